package dev.serpentine.ffi.ffm;

import dev.serpentine.ffi.binding.NativeMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A segment over someone else's memory, bound to a shared arena: closing the window closes the arena, after which
 * every access through the segment (or a ByteBuffer made from it) throws {@code IllegalStateException}.
 */
final class FfmWindow implements NativeMemory.MemoryWindow {

    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;

    FfmWindow(long address, long length, boolean readOnly) {
        MemorySegment s = MemorySegment.ofAddress(address).reinterpret(length, arena, null);
        this.segment = readOnly ? s.asReadOnly() : s;
    }

    @Override
    public <T> T as(Class<T> type) {
        if (type == MemorySegment.class) return type.cast(segment);
        if (type == ByteBuffer.class) return type.cast(segment.asByteBuffer());
        throw new UnsupportedOperationException("a memory window is a ByteBuffer or a MemorySegment, not " + type.getName());
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
