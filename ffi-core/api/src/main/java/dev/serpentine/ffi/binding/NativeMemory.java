package dev.serpentine.ffi.binding;

/**
 * Reads and writes of native memory at raw addresses, unaligned, in the platform's byte order.
 *
 * <p>No call checks its address: a wrong one reads garbage or ends the process. Callers pass only addresses they got
 * from CPython (objects they hold a reference to, buffers they acquired) or allocated themselves; the typed views
 * check the object types before they read.
 */
public interface NativeMemory {

    byte getByte(long address);

    short getShort(long address);

    int getInt(long address);

    long getLong(long address);

    double getDouble(long address);

    void putByte(long address, byte value);

    void putShort(long address, short value);

    void putInt(long address, int value);

    void putLong(long address, long value);

    void putDouble(long address, double value);

    // Bulk copies between native memory and Java arrays: one native access per call. Lengths count elements;
    // multi-byte elements are in the platform's order, unaligned. The array range is checked first
    // (IndexOutOfBoundsException), the native range never.

    /** Copies {@code length} bytes from native memory into {@code dst[offset…]}. */
    void copyToArray(long src, byte[] dst, int offset, int length);

    /** Copies {@code length} bytes of {@code src[offset…]} into native memory. */
    void copyFromArray(byte[] src, int offset, long dst, int length);

    /** Copies {@code length} 2-byte code units (UCS-2/UTF-16) from native memory into {@code dst[offset…]}. */
    void copyToArray(long src, char[] dst, int offset, int length);

    /** Copies {@code length} chars of {@code src[offset…]} into native memory, 2 bytes each. */
    void copyFromArray(char[] src, int offset, long dst, int length);

    /** Copies {@code length} 4-byte ints (e.g. UCS-4 code points) from native memory into {@code dst[offset…]}. */
    void copyToArray(long src, int[] dst, int offset, int length);

    /** Copies {@code length} ints of {@code src[offset…]} into native memory, 4 bytes each. */
    void copyFromArray(int[] src, int offset, long dst, int length);

    /** Copies {@code length} 8-byte longs (e.g. a list's item pointers) from native memory into {@code dst[offset…]}. */
    void copyToArray(long src, long[] dst, int offset, int length);

    /** Copies {@code length} longs of {@code src[offset…]} into native memory, 8 bytes each. */
    void copyFromArray(long[] src, int offset, long dst, int length);

    /** Copies {@code length} bytes between native blocks; the blocks may overlap. */
    void copy(long src, long dst, long length);

    /** Fills {@code length} bytes with {@code value}. */
    void fill(long address, long length, byte value);

    /**
     * A Java view of {@code length} bytes at {@code address} — a {@link java.nio.ByteBuffer} or a
     * {@code java.lang.foreign.MemorySegment} — usable until the window is closed; accesses after {@code close()}
     * throw instead of touching freed memory. Only a backend that can revoke a window offers one (FFM).
     *
     * @throws UnsupportedOperationException where the backend cannot revoke a window (JNA)
     */
    MemoryWindow window(long address, long length, boolean readOnly);

    /** See {@link #window}. */
    interface MemoryWindow extends AutoCloseable {

        /**
         * The window as {@code type}: {@code ByteBuffer.class} (read-only when the window is) or
         * {@code MemorySegment.class}.
         *
         * @throws UnsupportedOperationException for a type this backend cannot offer
         */
        <T> T as(Class<T> type);

        @Override
        void close();
    }

    /** The length of the NUL-terminated string at {@code address}. */
    default long strlen(long address) {
        long n = 0;
        while (getByte(address + n) != 0) n++;
        return n;
    }
}
