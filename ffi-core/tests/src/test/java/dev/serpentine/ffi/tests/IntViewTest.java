package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.PyLongView;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PyLongView} against {@code PyLong_AsLongLong}, {@code PyLong_AsLongLongAndOverflow}, {@code str(n)} and
 * {@code format(n, 'x')}: zero, ±1, the cached small ints, every digit boundary 2^(30k)±1, the 64-bit limits,
 * random and huge ints, {@code bool} and int subclasses.
 */
class IntViewTest {

    private static final PyLongView I = Live.VIEWS.integer();
    private static final BigInteger DIGIT_MASK = BigInteger.ONE.shiftLeft(30).subtract(BigInteger.ONE);

    @Test
    void intsMadeByPythonMatchTheCApi() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec("import random as _iv_random, enum as _iv_enum\n"
                    + "class _IvInt(int):\n"
                    + "    pass\n"
                    + "class _IvEnum(_iv_enum.IntEnum):\n"
                    + "    A = 0\n"
                    + "    B = -7\n"
                    + "    C = 2 ** 70\n"
                    + "def _iv_cases():\n"
                    + "    rnd = _iv_random.Random(1234)\n"
                    + "    out = [0, 1, -1] + list(range(-5, 257)) + [-6, 257, 1000, -1000]\n"
                    + "    for k in range(1, 6):\n"
                    + "        for d in (-1, 0, 1):\n"
                    + "            out += [2 ** (30 * k) + d, -(2 ** (30 * k) + d)]\n"
                    + "    for e in (31, 32, 59, 60, 61, 62, 63, 64, 65, 89, 90, 91, 127, 128):\n"
                    + "        for d in (-2, -1, 0, 1, 2):\n"
                    + "            out += [2 ** e + d, -(2 ** e) + d]\n"
                    + "    out += [2 ** 63 - 1, -(2 ** 63), -(2 ** 63) - 1, 2 ** 63, 2 ** 64 - 1, 2 ** 64, 2 ** 64 + 1,\n"
                    + "            -(2 ** 64) + 1, -(2 ** 64), -(2 ** 64) - 1, 15 << 60, 16 << 60, -(16 << 60)]\n"
                    + "    for _ in range(300):\n"
                    + "        n = rnd.getrandbits(rnd.choice([8, 31, 62, 63, 64, 65, 100, 500, 3000]))\n"
                    + "        out.append(n if rnd.random() < 0.5 else -n)\n"
                    + "    out += [2 ** 50000 + 12345, -(3 ** 20000), int('9' * 1000), -int('1' * 4000)]\n"
                    + "    out += [(2 ** 100) - (2 ** 100), (2 ** 100) - (2 ** 100) + 5, 10 ** 18 // 10 ** 18, -(2 ** 70) // 2 ** 69]\n"
                    + "    out += [True, False]\n"
                    + "    out += [_IvInt(x) for x in (0, 1, -1, 5, 256, 2 ** 30, -(2 ** 63), 2 ** 64, -(2 ** 200) - 3)]\n"
                    + "    out += [_IvEnum.A, _IvEnum.B, _IvEnum.C]\n"
                    + "    return out\n");
            long list = owned.eval("_iv_cases()");
            long isExact = owned.add(Oracle.function("lambda n: int(type(n) is int)"));
            long hex = owned.add(Oracle.function("lambda n: format(int(n), 'x')"));
            long decimal = owned.add(Oracle.function("lambda n: str(int(n)) if abs(n).bit_length() < 12000 else ''"));
            long overflowError = Oracle.exceptionType("OverflowError");
            int subclasses = 0;
            int overflowing = 0;
            int threeDigitFits = 0;
            for (long o : Oracle.items(list)) {
                BigInteger expected = new BigInteger(Oracle.callText(hex, o), 16);
                String text = Oracle.callText(decimal, o);
                boolean exact = Oracle.callLong(isExact, o) == 1;
                var refs = Oracle.RefCounts.of(o);
                if (!text.isEmpty()) assertEquals(text, I.bigValue(o).toString(), "str(n)");
                assertEquals(exact, I.isExact(o));
                if (!exact) subclasses++;
                if (!assertMatchesCApi(o, expected, overflowError)) overflowing++;
                if (I.digitCount(o) == 3 && I.fitsInLong(o)) threeDigitFits++;
                refs.assertUnchanged();
            }
            assertEquals(14, subclasses);
            assertTrue(overflowing > 100, overflowing + " ints beyond 64 bits");
            assertTrue(threeDigitFits > 20, threeDigitFits + " three-digit ints that fit");
        }
    }

    @Test
    void intsMadeFromJavaMatchTheCApi() {
        Random rnd = new Random(0x1277L);
        List<BigInteger> values = new ArrayList<>();
        for (int k = 0; k < 64; k++) {
            for (long d = -2; d <= 2; d++) {
                values.add(BigInteger.ONE.shiftLeft(k).add(BigInteger.valueOf(d)));
                values.add(BigInteger.ONE.shiftLeft(k).add(BigInteger.valueOf(d)).negate());
            }
        }
        values.add(BigInteger.valueOf(Long.MAX_VALUE));
        values.add(BigInteger.valueOf(Long.MIN_VALUE));
        for (int i = 0; i < 500; i++) values.add(BigInteger.valueOf(rnd.nextLong() >> rnd.nextInt(64)));
        for (int i = 0; i < 300; i++) {
            BigInteger b = new BigInteger(1 + rnd.nextInt(2500), rnd);
            values.add(rnd.nextBoolean() ? b : b.negate());
        }
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long[] ints = new long[values.size() + 200];
            BigInteger[] expected = new BigInteger[ints.length];
            for (int i = 0; i < values.size(); i++) {
                BigInteger v = values.get(i);
                expected[i] = v;
                if (v.bitLength() <= 63) {
                    ints[i] = owned.add(PY.PyLong_FromLongLong(v.longValueExact()));
                } else {
                    String digits = v.toString();
                    ints[i] = owned.add(Live.withCString(digits, c -> PY.PyLong_FromString(c, 0, 10)));
                }
            }
            for (int i = values.size(); i < ints.length; i++) {
                long bits = i % 2 == 0 ? rnd.nextLong() | Long.MIN_VALUE : rnd.nextLong(); // unsigned: half ≥ 2^63
                expected[i] = new BigInteger(Long.toUnsignedString(bits));
                ints[i] = owned.add(PY.PyLong_FromUnsignedLongLong(bits));
            }
            long overflowError = Oracle.exceptionType("OverflowError");
            var refs = Oracle.RefCounts.of(ints);
            for (int i = 0; i < ints.length; i++) {
                assertTrue(I.isExact(ints[i]));
                assertMatchesCApi(ints[i], expected[i], overflowError);
            }
            refs.assertUnchanged();
        }
    }

    /** Compares every reader with the oracle; returns whether the value fits in a {@code long}. */
    private static boolean assertMatchesCApi(long o, BigInteger expected, long overflowError) {
        String what = expected.bitLength() > 200 ? expected.bitLength() + "-bit int" : expected.toString();
        assertEquals(o, I.checked(o));
        assertEquals(expected.signum(), I.signum(o), () -> "signum of " + what);
        BigInteger magnitude = expected.abs();
        long digits = (magnitude.bitLength() + 29) / 30;
        assertEquals(digits, I.digitCount(o), () -> "digit count of " + what);
        // the hot path: one read of the header word, handed to the readers that take it
        long header = I.header(o);
        assertEquals(expected.signum(), I.signumOf(header), () -> "signumOf(header) of " + what);
        assertEquals(digits, I.digitCountOf(header), () -> "digitCountOf(header) of " + what);
        assertEquals(I.fitsInLong(o), I.fitsInLong(o, header), () -> "fitsInLong(o, header) of " + what);
        for (int i = 0; i < digits; i++) {
            assertEquals(magnitude.shiftRight(30 * i).and(DIGIT_MASK).intValueExact(), I.digit(o, i),
                    "digit " + i + " of " + what);
        }
        assertEquals(expected, I.bigValue(o), () -> "bigValue of " + what);

        long overflowOut = Oracle.calloc(8);
        try {
            Live.MEM.putInt(overflowOut, 12345);
            long v = PY.PyLong_AsLongLongAndOverflow(o, overflowOut);
            int overflow = Live.MEM.getInt(overflowOut);
            assertEquals(0L, PY.PyErr_Occurred());
            boolean fits = expected.bitLength() <= 63;
            assertEquals(fits ? 0 : expected.signum(), overflow, () -> "overflow of " + what);
            assertEquals(overflow == 0, I.fitsInLong(o), () -> "fitsInLong of " + what);
            if (fits) {
                assertEquals(expected.longValueExact(), v);
                assertEquals(v, I.longValue(o), () -> "longValue of " + what);
                assertEquals(v, I.longValue(o, header), () -> "longValue(o, header) of " + what);
                assertEquals(v, PY.PyLong_AsLongLong(o));
            } else {
                assertEquals(-1L, v);
                assertThrows(ArithmeticException.class, () -> I.longValue(o), () -> "longValue of " + what);
                assertThrows(ArithmeticException.class, () -> I.longValue(o, header), () -> "longValue of " + what);
                assertEquals(-1L, PY.PyLong_AsLongLong(o));
                Oracle.takeError(overflowError, "PyLong_AsLongLong of " + what);
            }
            return fits;
        } finally {
            Oracle.free(overflowOut);
        }
    }
}
