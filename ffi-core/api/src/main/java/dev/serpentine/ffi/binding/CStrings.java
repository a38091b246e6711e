package dev.serpentine.ffi.binding;

import java.nio.charset.StandardCharsets;

/**
 * NUL-terminated UTF-8 strings in native memory, allocated with {@code PyMem_RawMalloc} so that Python's allocator
 * accounts for them (and so usable without the GIL).
 */
public final class CStrings {

    private CStrings() {
    }

    /**
     * A new NUL-terminated copy of {@code s}; free it with {@link #free}.
     *
     * @throws IllegalArgumentException when the C string would not say what {@code s} says (see {@link #isExact}),
     *                                  in the words CPython uses for the same refusal
     */
    public static long allocate(CPythonBinding py, String s) {
        String refusal = refusal(s);
        if (refusal != null) throw new IllegalArgumentException(refusal);
        return copy(py, s);
    }

    /**
     * A new C copy of message text, with what a C string cannot carry written as Python escapes (backslash-x00 for
     * NUL, backslash-udc80 for a lone surrogate) instead of cut off or turned into {@code ?}. For text meant to be
     * read, such as error messages.
     */
    public static long allocateEscaped(CPythonBinding py, String s) {
        if (refusal(s) == null) return copy(py, s);
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                sb.append("\\x00");
            } else if (loneSurrogateAt(s, i)) {
                sb.append("\\u").append(Integer.toHexString(c));
            } else {
                sb.append(c);
            }
        }
        return copy(py, sb.toString());
    }

    /**
     * Whether {@code s} reaches C unchanged: no NUL (it would end the string early) and no lone surrogate (UTF-8
     * cannot encode one; Java's encoder writes {@code ?} instead).
     */
    public static boolean isExact(String s) {
        return refusal(s) == null;
    }

    /** Why {@code s} cannot be a C string, in CPython's words for the same case, or null when it can. */
    private static String refusal(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) return "embedded null character";
            if (loneSurrogateAt(s, i)) {
                return "'utf-8' codec can't encode character '\\u" + Integer.toHexString(c) + "' in position "
                        + s.codePointCount(0, i) + ": surrogates not allowed";
            }
            if (Character.isHighSurrogate(c)) i++; // a pair: skip its low half
        }
        return null;
    }

    private static boolean loneSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }

    private static long copy(CPythonBinding py, String s) {
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
