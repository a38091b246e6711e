package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

import java.math.BigInteger;

/**
 * {@code int} (and {@code bool}): sign, digit count and the digits (least significant first; base 2³⁰ in every
 * supported build), and the value in place when it fits 64 bits. The sign and count are a signed {@code ob_size}
 * in 3.9–3.11 and the {@code lv_tag} of 3.12+ (3.14 also marks the cached small ints with bit 2, which is masked off).
 */
public final class PyLongView extends View {

    private final boolean tagged;
    private final int shift;
    private final long digitMask;
    private final int signMask;
    private final int countShift;
    private final boolean shortDigits;
    /** More digits than this never fit 64 bits. */
    private final int maxLongDigits;
    // The offsets of the hot reads, copied out of the layout (one dependent load fewer each).
    private final long headerOffset;
    private final long digitsOffset;

    PyLongView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
        this.tagged = layout.intEncoding == AbiLayout.IntEncoding.TAGGED;
        this.shift = layout.intDigitBits;
        this.digitMask = (1L << shift) - 1;
        this.signMask = layout.intTagSignMask;
        this.countShift = layout.intTagCountShift;
        this.shortDigits = layout.intDigitSize == 2;
        this.maxLongDigits = (Long.SIZE + shift - 1) / shift;
        this.headerOffset = layout.intSizeOrTag;
        this.digitsOffset = layout.intDigits;
    }

    /** Verifies {@code o} is an {@code int} (or subclass, including {@code bool}) and returns it. */
    public long checked(long o) {
        return checkedByFlag(o, types.longType, PyTypeView.Py_TPFLAGS_LONG_SUBCLASS, "int");
    }

    public boolean isExact(long o) {
        return typeOf(o) == types.longType;
    }

    /**
     * The word that holds the sign and digit count ({@code ob_size} or {@code lv_tag}). A hot reader reads it once
     * and passes it to the methods that take a {@code header}.
     */
    public long header(long o) {
        return mem.getLong(o + headerOffset);
    }

    /** Bits per digit ({@code PyLong_SHIFT}). */
    public int digitBits() {
        return shift;
    }

    /** -1, 0 or 1. */
    public int signum(long o) {
        return signumOf(header(o));
    }

    /** -1, 0 or 1, from a {@link #header}. */
    public int signumOf(long header) {
        return tagged ? 1 - (int) (header & signMask) : Long.signum(header);
    }

    /** Number of digits (0 for zero). */
    public long digitCount(long o) {
        return digitCountOf(header(o));
    }

    /** Number of digits, from a {@link #header}. */
    public long digitCountOf(long header) {
        return tagged ? header >>> countShift : Math.abs(header);
    }

    /** Digit {@code i}, least significant first. */
    public int digit(long o, long i) {
        long a = o + digitsOffset;
        return shortDigits ? mem.getShort(a + 2 * i) & 0xffff : mem.getInt(a + 4 * i);
    }

    /** Whether the value fits a Java {@code long}. */
    public boolean fitsInLong(long o) {
        return fitsInLong(o, header(o));
    }

    /** Whether the value fits a Java {@code long}, given its {@link #header}. */
    public boolean fitsInLong(long o, long header) {
        long n = digitCountOf(header);
        if (n >= 0 && n <= 2 && 2 * shift < Long.SIZE - 1) return true;
        if (n < 0 || n > maxLongDigits) return false;
        return fits(magnitude(o, n), signumOf(header));
    }

    /**
     * The value as a {@code long}, read in place.
     *
     * @throws ArithmeticException when it does not fit 64 signed bits
     */
    public long longValue(long o) {
        return longValue(o, header(o));
    }

    /**
     * The value as a {@code long}, given its {@link #header}: the digits are the only other memory read.
     *
     * @throws ArithmeticException when it does not fit 64 signed bits
     */
    public long longValue(long o, long header) {
        long n = digitCountOf(header);
        long mag;
        if (n == 0) return 0;
        if (n == 1) {
            mag = digit(o, 0) & digitMask;
        } else if (n == 2 && 2 * shift < Long.SIZE - 1) {
            mag = (digit(o, 0) & digitMask) | (digit(o, 1) & digitMask) << shift;
        } else {
            // n < 0: a SIGNED_SIZE ob_size of Long.MIN_VALUE, which no int has
            mag = n < 0 || n > maxLongDigits ? -1 : magnitude(o, n);
            if (!fits(mag, signumOf(header))) {
                throw new ArithmeticException("int of " + n + " digits does not fit in 64 bits");
            }
        }
        return signumOf(header) < 0 ? -mag : mag;
    }

    private static boolean fits(long magnitude, int signum) {
        return signum < 0 ? Long.compareUnsigned(magnitude, Long.MIN_VALUE) <= 0 : magnitude >= 0;
    }

    /** The magnitude as an unsigned 64-bit value, or -1 (which fits neither sign) when it needs more bits. */
    private long magnitude(long o, long n) {
        long mag = 0;
        for (long i = n - 1; i >= 0; i--) {
            if (mag >>> (Long.SIZE - shift) != 0) return -1;
            mag = mag << shift | (digit(o, i) & digitMask);
        }
        return mag;
    }

    /**
     * The exact value of any size, read in place in linear time: the digits are packed into the magnitude's bytes
     * (shifting a growing BigInteger digit by digit would copy it once per digit).
     */
    public BigInteger bigValue(long o) {
        long header = header(o);
        long n = digitCountOf(header);
        if (n == 0) return BigInteger.ZERO;
        if (n < 0 || n > (Integer.MAX_VALUE - 8) / shift) {
            throw new ArithmeticException("an int of " + n + " digits is beyond a Java BigInteger");
        }
        byte[] magnitude = new byte[(int) ((n * shift + 7) / 8)]; // big-endian
        int out = magnitude.length;
        long bits = 0;
        int count = 0;
        for (long i = 0; i < n; i++) {
            bits |= (digit(o, i) & digitMask) << count;
            count += shift;
            for (; count >= 8; count -= 8, bits >>>= 8) magnitude[--out] = (byte) bits;
        }
        if (count > 0) magnitude[--out] = (byte) bits;
        return new BigInteger(signumOf(header) < 0 ? -1 : 1, magnitude);
    }
}
