package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code int} (and {@code bool}): sign, digit count and the base-2³⁰ digits (least significant first), and the
 * value in place when it fits 64 bits. The sign and count are a signed {@code ob_size} in 3.9–3.11 and the
 * {@code lv_tag} of 3.12+ (3.14 also marks the cached small ints with bit 2, which is masked off).
 */
public final class PyLongView extends View {

    public static final int SHIFT = 30;
    private static final long DIGIT_MASK = (1L << SHIFT) - 1;

    private final boolean tagged;

    PyLongView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
        this.tagged = layout.intEncoding == AbiLayout.IntEncoding.TAGGED;
    }

    /** Verifies {@code o} is an {@code int} (or subclass, including {@code bool}) and returns it. */
    public long checked(long o) {
        return checkedByFlag(o, types.longType, PyTypeView.Py_TPFLAGS_LONG_SUBCLASS, "int");
    }

    public boolean isExact(long o) {
        return typeOf(o) == types.longType;
    }

    private long sizeOrTag(long o) {
        return mem.getLong(o + layout.intSizeOrTag);
    }

    /** -1, 0 or 1. */
    public int signum(long o) {
        long v = sizeOrTag(o);
        if (tagged) return 1 - (int) (v & 3);
        return Long.signum(v);
    }

    /** Number of 30-bit digits (0 for zero). */
    public long digitCount(long o) {
        long v = sizeOrTag(o);
        return tagged ? v >>> 3 : Math.abs(v);
    }

    /** Digit {@code i}, least significant first. */
    public int digit(long o, long i) {
        return mem.getInt(o + layout.intDigits + 4 * i);
    }

    /** Whether the value fits a Java {@code long}. */
    public boolean fitsInLong(long o) {
        long n = digitCount(o);
        if (n <= 2) return true;
        if (n > 3) return false;
        long mag = magnitude3(o);
        return signum(o) < 0 ? Long.compareUnsigned(mag, Long.MIN_VALUE) <= 0 : mag >= 0 && digit(o, 2) < 16;
    }

    /**
     * The value as a {@code long}, read in place.
     *
     * @throws ArithmeticException when it does not fit 64 signed bits
     */
    public long longValue(long o) {
        long n = digitCount(o);
        long mag;
        if (n == 0) return 0;
        if (n == 1) mag = digit(o, 0);
        else if (n == 2) mag = digit(o, 0) | (long) digit(o, 1) << SHIFT;
        else if (n == 3 && fitsInLong(o)) mag = magnitude3(o);
        else throw new ArithmeticException("int of " + n + " digits does not fit in 64 bits");
        return signum(o) < 0 ? -mag : mag;
    }

    private long magnitude3(long o) {
        long d2 = digit(o, 2) & 0xffffffffL;
        if (d2 >= 16) return -1; // more than 64 bits: never fits (callers check the sign too)
        return (digit(o, 0) & DIGIT_MASK) | (digit(o, 1) & DIGIT_MASK) << SHIFT | d2 << 60;
    }

    /**
     * The exact value of any size, read in place in linear time: the digits are packed into the magnitude's bytes
     * (shifting a growing BigInteger digit by digit would copy it once per digit).
     */
    public BigInteger bigValue(long o) {
        long n = digitCount(o);
        if (n == 0) return BigInteger.ZERO;
        if (n > (Integer.MAX_VALUE - 8) / SHIFT) {
            throw new ArithmeticException("an int of " + n + " digits is beyond a Java BigInteger");
        }
        byte[] raw = new byte[(int) n * 4];
        mem.copyToArray(o + layout.intDigits, raw, 0, raw.length);
        ByteBuffer digits = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        byte[] magnitude = new byte[(int) ((n * SHIFT + 7) / 8)]; // big-endian
        int out = magnitude.length;
        long bits = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            bits |= (digits.getInt(4 * i) & DIGIT_MASK) << count;
            count += SHIFT;
            for (; count >= 8; count -= 8, bits >>>= 8) magnitude[--out] = (byte) bits;
        }
        if (count > 0) magnitude[--out] = (byte) bits;
        return new BigInteger(signum(o), magnitude);
    }
}
