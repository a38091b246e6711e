package dev.serpentine.ffi.binding;

import java.nio.charset.StandardCharsets;

/**
 * NUL-terminated UTF-8 strings in native memory, allocated with {@code PyMem_RawMalloc} so that Python's allocator
 * accounts for them (and so usable without the GIL).
 */
public final class CStrings {

    private CStrings() {
    }

    /** A new NUL-terminated copy of {@code s}; free it with {@link #free}. */
    public static long allocate(CPythonBinding py, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        long p = py.PyMem_RawMalloc(utf8.length + 1L);
        if (p == 0) throw new OutOfMemoryError("PyMem_RawMalloc(" + (utf8.length + 1) + ") failed");
        NativeMemory mem = py.memory();
        mem.copyFromArray(utf8, 0, p, utf8.length);
        mem.putByte(p + utf8.length, (byte) 0);
        return p;
    }

    public static void free(CPythonBinding py, long p) {
        py.PyMem_RawFree(p);
    }

    /** Calls {@code f} with a temporary C copy of {@code s} and returns its result. */
    public static long call(CPythonBinding py, String s, java.util.function.LongUnaryOperator f) {
        long c = allocate(py, s);
        try {
            return f.applyAsLong(c);
        } finally {
            free(py, c);
        }
    }

    /** The NUL-terminated UTF-8 string at {@code p}, or null for NULL. */
    public static String read(NativeMemory mem, long p) {
        if (p == 0) return null;
        long n = mem.strlen(p);
        return read(mem, p, n);
    }

    /** {@code n} bytes of UTF-8 at {@code p}. */
    public static String read(NativeMemory mem, long p, long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("string of " + n + " bytes is too long for Java");
        byte[] b = new byte[(int) n];
        mem.copyToArray(p, b, 0, b.length);
        return new String(b, StandardCharsets.UTF_8);
    }
}
