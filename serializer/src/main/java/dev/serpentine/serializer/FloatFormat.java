package dev.serpentine.serializer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigInteger;
import java.nio.ByteOrder;

/**
 * Shortest round-trip decimal digits of a {@code double} (the digits of Python's {@code repr}), written as ASCII bytes
 * in orjson's layout: positional for decimal exponents {@code -5 < k <= 16} ({@code 0.00001}, {@code 1e+16} is not),
 * else scientific with a signed positive exponent ({@code 1e+16}, {@code 1e-7}). Also of a {@code float} (numpy's
 * float32 and float16), shortest among floats, positional for {@code -6 < k <= 13} as orjson writes them.
 *
 * <p>Our own implementation of the Schubfach method (R. Giulietti, "The Schubfach way to render doubles", 2020): the
 * rounding interval of the value is scaled by a 126-bit approximation of a power of ten and the shortest decimal in
 * it is picked, with no loop and no big arithmetic. Written here because JDK 17's {@code Double.toString} is not
 * shortest and allocates a {@code String}; nothing else on Maven Central writes bytes in this layout.
 */
final class FloatFormat {

    private static final int Q_MIN = -1074;
    private static final long C_MIN = 1L << 52;
    private static final int K_MIN = -324;
    private static final int K_MAX = 292;
    private static final long MASK_63 = (1L << 63) - 1;
    /** Bigger than every rounded-up 10^-k scaled to [2^125, 2^126): 126 bits as two 63-bit halves. */
    private static final long[] G = table();

    private FloatFormat() {
    }

    /** Longest output: sign, 17 digits, "0." and 4 zeros or a point and "e-324". */
    static final int MAX_LENGTH = 26;

    // The positional range of the decimal point position k, for doubles and for floats (orjson's layouts).
    private static final int DOUBLE_LOW = -5;
    private static final int DOUBLE_HIGH = 16;
    private static final int FLOAT_LOW = -6;
    private static final int FLOAT_HIGH = 13;

    private static final int F_Q_MIN = -149;
    private static final int F_C_MIN = 1 << 23;
    /** Float subnormals below this many units take the exact route, for the reason doubles below {@link #TINY} do. */
    private static final int F_TINY = 1 << 12;
    private static final long MASK_32 = (1L << 32) - 1;

    /**
     * Writes finite {@code v} into {@code out} at {@code pos} and returns the position after it. {@code out} must have
     * {@link #MAX_LENGTH} bytes free.
     */
    static int write(double v, byte[] out, int pos) {
        long bits = Double.doubleToRawLongBits(v);
        if (bits < 0) out[pos++] = '-';
        long t = bits & (C_MIN - 1);
        int bq = (int) (bits >>> 52) & 0x7ff;
        if (bq != 0) {
            int mq = -Q_MIN + 1 - bq;
            long c = C_MIN | t;
            // An integer below 2^53: its own digits are the shortest (every other candidate differs by a whole unit).
            if (0 < mq && mq < 53) {
                long f = c >> mq;
                if (f << mq == c) return layout(f, 0, out, pos, DOUBLE_LOW, DOUBLE_HIGH);
            }
            return shortest(Q_MIN - 1 + bq, c, out, pos);
        }
        if (t != 0) {
            return t < TINY ? tiny(Double.longBitsToDouble(t), false, out, pos) : shortest(Q_MIN, t, out, pos);
        }
        out[pos] = '0';
        out[pos + 1] = '.';
        out[pos + 2] = '0';
        return pos + 3;
    }

    /**
     * Subnormals this small have an interval so wide (relative to their digits) that the shortest decimal can be two
     * digits shorter than Schubfach's candidates: find it by rounding the exact value to 1, 2, … digits until one
     * reads back as the same double (the nearest p-digit decimal, so it is also the closest). Cold and rare.
     */
    private static final long TINY = 1 << 12;

    private static int tiny(double v, boolean isFloat, byte[] out, int pos) {
        java.math.BigDecimal exact = new java.math.BigDecimal(v);
        for (int p = 1; ; p++) {
            java.math.BigDecimal d = exact.round(new java.math.MathContext(p, java.math.RoundingMode.HALF_EVEN));
            // Float.parseFloat rounds correctly (d.floatValue() may round twice)
            if (isFloat ? Float.parseFloat(d.toString()) == v : d.doubleValue() == v) {
                long f = d.unscaledValue().longValueExact();
                return isFloat ? layout(f, -d.scale(), out, pos, FLOAT_LOW, FLOAT_HIGH)
                        : layout(f, -d.scale(), out, pos, DOUBLE_LOW, DOUBLE_HIGH);
            }
        }
    }

    /** Writes finite {@code v} with the shortest digits that read back as the same float; as {@link #write}. */
    static int writeFloat(float v, byte[] out, int pos) {
        int bits = Float.floatToRawIntBits(v);
        if (bits < 0) out[pos++] = '-';
        int t = bits & (F_C_MIN - 1);
        int bq = bits >>> 23 & 0xff;
        if (bq != 0) {
            int mq = -F_Q_MIN + 1 - bq;
            int c = F_C_MIN | t;
            if (0 < mq && mq < 24) { // an integer below 2^24: its own digits
                int f = c >> mq;
                if (f << mq == c) return layout(f, 0, out, pos, FLOAT_LOW, FLOAT_HIGH);
            }
            return shortestFloat(F_Q_MIN - 1 + bq, c, out, pos);
        }
        if (t != 0) {
            return t < F_TINY ? tiny(Float.intBitsToFloat(t), true, out, pos) : shortestFloat(F_Q_MIN, t, out, pos);
        }
        out[pos] = '0';
        out[pos + 1] = '.';
        out[pos + 2] = '0';
        return pos + 3;
    }

    /** {@link #shortest} for v = c·2^q a float: the same method, with the high 64 bits of g being enough. */
    private static int shortestFloat(int q, int c, byte[] out, int pos) {
        int odd = c & 1;
        long cb = (long) c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != F_C_MIN | q == F_Q_MIN) {
            cbl = cb - 2;
            k = floorLog10Pow2(q);
        } else {
            cbl = cb - 1;
            k = floorLog10ThreeQuartersPow2(q);
        }
        int h = q + floorLog2Pow10(-k) + 33;
        long g = G[(k - K_MIN) << 1] + 1;
        long vb = roundOdd32(g, cb << h);
        long vbl = roundOdd32(g, cbl << h);
        long vbr = roundOdd32(g, cbr << h);
        long s = vb >> 2;
        if (s >= 100) {
            long sp10 = 10 * (s * 1_717_986_919L >>> 34); // s / 10 · 10 for s < 2^32
            long tp10 = sp10 + 10;
            boolean upin = vbl + odd <= sp10 << 2;
            boolean wpin = (tp10 << 2) + odd <= vbr;
            if (upin != wpin) return layout(upin ? sp10 : tp10, k, out, pos, FLOAT_LOW, FLOAT_HIGH);
        }
        long tt = s + 1;
        boolean uin = vbl + odd <= s << 2;
        boolean win = (tt << 2) + odd <= vbr;
        if (uin != win) return layout(uin ? s : tt, k, out, pos, FLOAT_LOW, FLOAT_HIGH);
        long cmp = vb - (s + tt << 1);
        return layout(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : tt, k, out, pos, FLOAT_LOW, FLOAT_HIGH);
    }

    /** g times cp scaled down by 2^95, rounded to odd (sticky bit in bit 0). */
    private static long roundOdd32(long g, long cp) {
        long x1 = Math.multiplyHigh(g, cp);
        long vbp = x1 >>> 31;
        return vbp | (x1 & MASK_32) + MASK_32 >>> 32;
    }

    /** v = c·2^q; writes the shortest decimal in v's rounding interval (closest to v, even on ties). */
    private static int shortest(int q, long c, byte[] out, int pos) {
        int odd = (int) c & 1;
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != C_MIN | q == Q_MIN) {
            cbl = cb - 2;
            k = floorLog10Pow2(q);
        } else {
            // At a power of two the interval below is half as wide.
            cbl = cb - 1;
            k = floorLog10ThreeQuartersPow2(q);
        }
        int h = q + floorLog2Pow10(-k) + 2;
        int i = (k - K_MIN) << 1;
        long g1 = G[i];
        long g0 = G[i + 1];
        long vb = roundOdd(g1, g0, cb << h);
        long vbl = roundOdd(g1, g0, cbl << h);
        long vbr = roundOdd(g1, g0, cbr << h);
        long s = vb >> 2;
        if (s >= 100) {
            // Try one digit fewer first: s rounded down to a multiple of ten, and the next one up.
            long sp10 = 10 * Math.multiplyHigh(s, 115_292_150_460_684_698L << 4);
            long tp10 = sp10 + 10;
            boolean upin = vbl + odd <= sp10 << 2;
            boolean wpin = (tp10 << 2) + odd <= vbr;
            if (upin != wpin) return layout(upin ? sp10 : tp10, k, out, pos, DOUBLE_LOW, DOUBLE_HIGH);
        }
        long tt = s + 1;
        boolean uin = vbl + odd <= s << 2;
        boolean win = (tt << 2) + odd <= vbr;
        if (uin != win) return layout(uin ? s : tt, k, out, pos, DOUBLE_LOW, DOUBLE_HIGH);
        long cmp = vb - (s + tt << 1);
        return layout(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : tt, k, out, pos, DOUBLE_LOW, DOUBLE_HIGH);
    }

    /** The 126-bit g times cp, scaled down by 2^128, rounded to odd (sticky bit in bit 0). */
    private static long roundOdd(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long vbp = y1 + (z >>> 63);
        return vbp | (z & MASK_63) + MASK_63 >>> 63;
    }

    /** ⌊log10(2^q)⌋ for |q| ≤ 5456721. */
    private static int floorLog10Pow2(int q) {
        return (int) (q * 661_971_961_083L >> 41);
    }

    /** ⌊log10(3/4 · 2^q)⌋. */
    private static int floorLog10ThreeQuartersPow2(int q) {
        return (int) (q * 661_971_961_083L - 274_743_187_321L >> 41);
    }

    /** ⌊log2(10^e)⌋ for |e| ≤ 1233. */
    private static int floorLog2Pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }

    /** g(k) = ⌊10^-k · 2^(125 - ⌊log2 10^-k⌋)⌋ + 1 for every k the doubles need, as (high 63 bits, low 63 bits). */
    private static long[] table() {
        long[] g = new long[(K_MAX - K_MIN + 1) * 2];
        BigInteger mask63 = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
        for (int k = K_MIN; k <= K_MAX; k++) {
            int r = floorLog2Pow10(-k);
            BigInteger v;
            if (k <= 0) {
                v = BigInteger.TEN.pow(-k).shiftLeft(125).shiftRight(r);
            } else {
                v = BigInteger.ONE.shiftLeft(125 - r).divide(BigInteger.TEN.pow(k));
            }
            v = v.add(BigInteger.ONE);
            int i = (k - K_MIN) << 1;
            g[i] = v.shiftRight(63).longValueExact();
            g[i + 1] = v.and(mask63).longValue();
        }
        return g;
    }

    private static final long[] POW10 = {
            1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
            10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
            1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L};

    /**
     * Writes f·10^e (f > 0) as orjson lays it out: with n significant digits and the point after position
     * k = n + e, positional when kLow < k <= kHigh, else d.ddde±x. Where a point splits the digits, they are written
     * one place to the right and the leading ones moved back over it (no division by a variable power of ten).
     */
    private static int layout(long f, int e, byte[] out, int pos, int kLow, int kHigh) {
        while (f % 10 == 0) { // at most 16 rounds; shortest output rarely has trailing zeros beyond an integer's
            f /= 10;
            e++;
        }
        int n = digitCount(f);
        int k = n + e;
        if (k > kLow && k <= kHigh) {
            if (k >= n) { // an integer: digits, zeros, ".0"
                writeDigits(f, n, out, pos);
                pos += n;
                for (int z = k - n; z > 0; z--) out[pos++] = '0';
                out[pos++] = '.';
                out[pos++] = '0';
                return pos;
            }
            if (k > 0) { // the point inside the digits
                writeDigits(f, n, out, pos + 1);
                for (int j = 0; j < k; j++) out[pos + j] = out[pos + j + 1];
                out[pos + k] = '.';
                return pos + n + 1;
            }
            out[pos++] = '0';
            out[pos++] = '.';
            for (int z = -k; z > 0; z--) out[pos++] = '0';
            writeDigits(f, n, out, pos);
            return pos + n;
        }
        writeDigits(f, n, out, pos + 1);
        out[pos] = out[pos + 1];
        if (n > 1) {
            out[pos + 1] = '.';
            pos += n + 1;
        } else {
            pos++;
        }
        out[pos++] = 'e';
        int x = k - 1;
        if (x < 0) {
            out[pos++] = '-';
            x = -x;
        } else {
            out[pos++] = '+';
        }
        if (x >= 100) {
            out[pos++] = (byte) ('0' + x / 100);
            x %= 100;
            out[pos++] = (byte) ('0' + x / 10);
        } else if (x >= 10) {
            out[pos++] = (byte) ('0' + x / 10);
        }
        out[pos++] = (byte) ('0' + x % 10);
        return pos;
    }

    /** Number of decimal digits of 0 ≤ v < 2^63: from its bit length (⌊bits·log10 2⌋ or one more; 0 has one). */
    static int digitCount(long v) {
        int t = (64 - Long.numberOfLeadingZeros(v)) * 1233 >>> 12;
        return t + (t == 0 || v >= POW10[t] ? 1 : 0);
    }

    /** "00" … "99" as little-endian pairs of ASCII digits, stored two bytes at a time. */
    private static final short[] PAIRS = new short[100];
    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        for (int d = 0; d < 100; d++) PAIRS[d] = (short) ('0' + d / 10 | '0' + d % 10 << 8);
    }

    /**
     * The n lowest decimal digits of v ≥ 0 (zero-padded) at out[pos…pos+n): eight digits at a time in int arithmetic,
     * two digits per store — one digit per 64-bit division was a third of the time of dumping floats.
     */
    static void writeDigits(long v, int n, byte[] out, int pos) {
        int i = pos + n;
        while (i - pos >= 8) {
            long q = v / 100_000_000L;
            int r = (int) (v - q * 100_000_000L);
            int hi = r / 10_000;
            int lo = r - hi * 10_000;
            int a = hi / 100;
            int b = lo / 100;
            SHORTS.set(out, i - 8, PAIRS[a]);
            SHORTS.set(out, i - 6, PAIRS[hi - a * 100]);
            SHORTS.set(out, i - 4, PAIRS[b]);
            SHORTS.set(out, i - 2, PAIRS[lo - b * 100]);
            i -= 8;
            v = q;
        }
        int r = (int) v;
        while (i - pos >= 2) {
            int q = r / 100;
            SHORTS.set(out, i - 2, PAIRS[r - q * 100]);
            i -= 2;
            r = q;
        }
        if (i > pos) out[pos] = (byte) ('0' + r);
    }
}
