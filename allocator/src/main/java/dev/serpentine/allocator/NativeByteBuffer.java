package dev.serpentine.allocator;

import dev.serpentine.ffi.binding.GilOwnership;
import dev.serpentine.ffi.binding.NativeMemory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A growable native byte buffer in Python's {@code PyMem} domain, for output written straight to native memory.
 * Capacity grows by half again (amortized O(1) appends) through {@code PyMem_Realloc}, which keeps the contents.
 * {@link #take()} hands the finished block over without a copy; {@link #close()} frees whatever was not taken, so a
 * try-with-resources frees the buffer on every failure path; a buffer dropped without either is freed at the next
 * GIL entry after the garbage collector finds it unreachable. Single-threaded, GIL held.
 */
public final class NativeByteBuffer implements AutoCloseable {

    private static final long MIN_CAPACITY = 64;

    private final PyAllocator allocator;
    private final NativeMemory mem;
    private long address;
    private long capacity;
    private long size;
    private boolean done;
    /** Where the block is now, for the backstop (which must not reach this buffer): set on every move. */
    private final AtomicLong block;
    private final GilOwnership.Backstop backstop;

    NativeByteBuffer(PyAllocator allocator, NativeMemory mem, long initialCapacity) {
        if (initialCapacity < 0) throw new AllocationException("negative capacity " + initialCapacity);
        this.allocator = allocator;
        this.mem = mem;
        this.capacity = Math.max(initialCapacity, MIN_CAPACITY);
        this.address = allocator.malloc(capacity);
        AtomicLong block = this.block = new AtomicLong(address);
        this.backstop = GilOwnership.backstop(this, () -> allocator.free(block.get()));
    }

    /** Creates a buffer on {@code allocator} (see {@link PyAllocator#newBuffer}); for allocator implementations. */
    public static NativeByteBuffer create(PyAllocator allocator, NativeMemory mem, long initialCapacity) {
        return new NativeByteBuffer(allocator, mem, initialCapacity);
    }

    private void check() {
        if (done) throw new IllegalStateException("the buffer has been taken or closed");
    }

    /** Makes room for {@code extra} more bytes. */
    public void ensureCapacity(long extra) {
        check();
        if (extra < 0) throw new AllocationException("negative extra capacity " + extra);
        long needed;
        try {
            needed = Math.addExact(size, extra);
        } catch (ArithmeticException e) {
            throw new AllocationException("a buffer of " + size + " + " + extra + " bytes overflows");
        }
        if (needed <= capacity) return;
        long grown = capacity + (capacity >> 1);
        long next = Math.max(needed, grown < 0 ? Long.MAX_VALUE : grown);
        address = allocator.realloc(address, next); // the old block stays valid (and owned) if this throws
        block.set(address);
        capacity = next;
    }

    public NativeByteBuffer append(byte b) {
        ensureCapacity(1);
        mem.putByte(address + size, b);
        size += 1;
        return this;
    }

    /** Little-endian, as CPython's native order on x86-64. */
    public NativeByteBuffer appendInt(int v) {
        ensureCapacity(4);
        mem.putInt(address + size, v);
        size += 4;
        return this;
    }

    public NativeByteBuffer appendLong(long v) {
        ensureCapacity(8);
        mem.putLong(address + size, v);
        size += 8;
        return this;
    }

    public NativeByteBuffer append(byte[] b) {
        return append(b, 0, b.length);
    }

    public NativeByteBuffer append(byte[] b, int offset, int length) {
        if (offset < 0 || length < 0 || offset > b.length - length) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " of " + b.length + " bytes");
        }
        ensureCapacity(length);
        if (length > 0) mem.copyFromArray(b, offset, address + size, length);
        size += length;
        return this;
    }

    /** Appends {@code length} bytes from native memory at {@code src}. */
    public NativeByteBuffer append(long src, long length) {
        ensureCapacity(length);
        if (length > 0) mem.copy(src, address + size, length);
        size += length;
        return this;
    }

    /** Appends the characters of an ASCII string, one byte each. */
    public NativeByteBuffer appendAscii(CharSequence s) {
        int n = s.length();
        ensureCapacity(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0x7f) throw new IllegalArgumentException("not ASCII at index " + i + ": U+" + Integer.toHexString(c));
            mem.putByte(address + size + i, (byte) c);
        }
        size += n;
        return this;
    }

    public long size() {
        check();
        return size;
    }

    public long capacity() {
        check();
        return capacity;
    }

    /** Where the bytes are now (moves when the buffer grows). */
    public long address() {
        check();
        return address;
    }

    /** A copy of the bytes written so far. */
    public byte[] toArray() {
        check();
        if (size > Integer.MAX_VALUE - 8) throw new IllegalStateException(size + " bytes do not fit a Java array");
        byte[] b = new byte[(int) size];
        if (size > 0) mem.copyToArray(address, b, 0, b.length);
        return b;
    }

    /** Hands the block over without a copy; the buffer is spent afterwards. */
    public NativeBlock take() {
        check();
        NativeBlock taken = new NativeBlock(allocator, address, size, capacity); // its own backstop from here on
        done = true;
        backstop.disarm();
        return taken;
    }

    /**
     * Frees the block unless it was taken (GIL held). Idempotent. Without the GIL it throws
     * {@link IllegalStateException} and stays open, so a retry inside a GIL task frees it.
     */
    @Override
    public void close() {
        if (done) return;
        allocator.free(address); // checks the GIL before anything changes
        done = true;
        backstop.disarm();
    }
}
