package dev.serpentine.ffi.jna;

import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.util.Objects;
import dev.serpentine.ffi.binding.NativeMemory;

/**
 * Native memory through JNA: one {@code Pointer} at address 0, read at offset = address, so no {@code Pointer} is
 * made per access. Each access is a JNI call (about 8 ns); bulk copies move whole blocks in one call.
 */
final class JnaMemory implements NativeMemory {

    private static final Pointer BASE = new Pointer(0);

    @Override
    public byte getByte(long address) {
        return BASE.getByte(address);
    }

    @Override
    public short getShort(long address) {
        return BASE.getShort(address);
    }

    @Override
    public int getInt(long address) {
        return BASE.getInt(address);
    }

    @Override
    public long getLong(long address) {
        return BASE.getLong(address);
    }

    @Override
    public double getDouble(long address) {
        return BASE.getDouble(address);
    }

    @Override
    public void putByte(long address, byte value) {
        BASE.setByte(address, value);
    }

    @Override
    public void putShort(long address, short value) {
        BASE.setShort(address, value);
    }

    @Override
    public void putInt(long address, int value) {
        BASE.setInt(address, value);
    }

    @Override
    public void putLong(long address, long value) {
        BASE.setLong(address, value);
    }

    @Override
    public void putDouble(long address, double value) {
        BASE.setDouble(address, value);
    }

    @Override
    public void copyToArray(long src, byte[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        BASE.read(src, dst, offset, length);
    }

    @Override
    public void copyFromArray(byte[] src, int offset, long dst, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        BASE.write(dst, src, offset, length);
    }

    // JNA's Pointer.read/write of char[] convert to and from wchar_t (4 bytes on Linux), so chars go through a direct
    // buffer over the memory instead: one JNI call to make it, then a bulk copy on the Java side.

    @Override
    public void copyToArray(long src, char[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        if (length > 0) chars(src, length).get(dst, offset, length);
    }

    @Override
    public void copyFromArray(char[] src, int offset, long dst, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        if (length > 0) chars(dst, length).put(src, offset, length);
    }

    private static CharBuffer chars(long address, int length) {
        return BASE.getByteBuffer(address, 2L * length).order(ByteOrder.nativeOrder()).asCharBuffer();
    }

    @Override
    public void copyToArray(long src, int[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        BASE.read(src, dst, offset, length);
    }

    @Override
    public void copyFromArray(int[] src, int offset, long dst, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        BASE.write(dst, src, offset, length);
    }

    @Override
    public void copyToArray(long src, long[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        BASE.read(src, dst, offset, length);
    }

    @Override
    public void copyFromArray(long[] src, int offset, long dst, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        BASE.write(dst, src, offset, length);
    }

    @Override
    public void copy(long src, long dst, long length) {
        if (length > 0) JnaBinding.LibC.memmove(dst, src, length);
    }

    @Override
    public void fill(long address, long length, byte value) {
        BASE.setMemory(address, length, value);
    }

    @Override
    public long strlen(long address) {
        return BASE.indexOf(address, (byte) 0);
    }

    /**
     * None: a direct ByteBuffer over memory that someone else frees cannot be revoked here (JNA has no scoped
     * segments), and a read after the owner freed it kills the JVM. Java code copies instead (one JNI call).
     */
    @Override
    public MemoryWindow window(long address, long length, boolean readOnly) {
        throw new UnsupportedOperationException("the JNA backend hands out no window on native memory: it could not"
                + " revoke it when the memory is released, and a late access would crash the JVM; copy the bytes"
                + " (AcquiredBuffer.toArray / copyTo), or use the FFM backend (Java 22+), whose windows close at release");
    }
}
