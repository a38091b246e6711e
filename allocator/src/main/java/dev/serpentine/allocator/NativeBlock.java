package dev.serpentine.allocator;

/**
 * A finished block taken from a {@link NativeByteBuffer}: {@code length} bytes written at {@code address}, in an
 * allocation of {@code capacity} bytes from the {@code PyMem} domain. Whoever takes it owns it: {@link #close()}
 * (GIL held) frees it through the allocator that made it.
 */
public final class NativeBlock implements AutoCloseable {

    private final PyAllocator allocator;
    private final long address;
    private final long length;
    private final long capacity;
    private boolean freed;

    NativeBlock(PyAllocator allocator, long address, long length, long capacity) {
        this.allocator = allocator;
        this.address = address;
        this.length = length;
        this.capacity = capacity;
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

    /** Frees the block (GIL held). Idempotent. */
    @Override
    public void close() {
        if (freed) return;
        freed = true;
        allocator.free(address);
    }
}
