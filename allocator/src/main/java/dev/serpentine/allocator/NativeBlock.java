package dev.serpentine.allocator;

import dev.serpentine.ffi.binding.GilOwnership;

/**
 * A finished block taken from a {@link NativeByteBuffer}: {@code length} bytes written at {@code address}, in an
 * allocation of {@code capacity} bytes from the {@code PyMem} domain. Whoever takes it owns it: {@link #close()}
 * (GIL held) frees it through the allocator that made it. A block dropped without {@code close()} is freed at the
 * next GIL entry after the garbage collector finds it unreachable.
 */
public final class NativeBlock implements AutoCloseable {

    private final PyAllocator allocator;
    private final long address;
    private final long length;
    private final long capacity;
    private final GilOwnership.Backstop backstop;
    private boolean freed;

    NativeBlock(PyAllocator allocator, long address, long length, long capacity) {
        this.allocator = allocator;
        this.address = address;
        this.length = length;
        this.capacity = capacity;
        this.backstop = GilOwnership.backstop(this, () -> allocator.free(address));
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }

    public long capacity() {
        return capacity;
    }

    /**
     * Frees the block (GIL held). Idempotent. Without the GIL it throws {@link IllegalStateException} and stays
     * open, so a retry inside a GIL task frees it.
     */
    @Override
    public void close() {
        if (freed) return;
        allocator.free(address); // checks the GIL before anything changes
        freed = true;
        backstop.disarm();
    }
}
