package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.PyFloatView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PyFloatView} against {@code PyFloat_AsDouble} and the IEEE bits Python packs with
 * {@code struct.pack('<d', x)}: nan, ±inf, ±0.0, subnormals, the extremes, random doubles and random bit patterns,
 * and float subclasses.
 */
class FloatViewTest {

    private static final PyFloatView F = Live.VIEWS.floating();

    @Test
    void floatsMadeFromJavaKeepEveryBit() {
        Random rnd = new Random(0xF10A7L);
        List<Double> values = new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
                -Double.MAX_VALUE, Math.nextDown(Double.MIN_NORMAL), Math.PI, Math.E, 0.1, 1e300, 1e-300, 2.5e-320));
        for (int i = 0; i < 300; i++) values.add(rnd.nextDouble() * Math.pow(10, rnd.nextInt(600) - 300));
        for (int i = 0; i < 300; i++) values.add(Double.longBitsToDouble(rnd.nextLong()));
        for (int i = 0; i < 100; i++) values.add(Double.longBitsToDouble(rnd.nextLong() & 0x800fffffffffffffL)); // subnormal
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long bitsOf = owned.add(bitsFunction());
            long[] floats = new long[values.size()];
            for (int i = 0; i < floats.length; i++) floats[i] = owned.add(PY.PyFloat_FromDouble(values.get(i)));
            int nans = 0;
            for (int i = 0; i < floats.length; i++) {
                long o = floats[i];
                double expected = values.get(i);
                long packed = Oracle.callLong(bitsOf, o);
                var refs = Oracle.RefCounts.of(o);
                assertEquals(o, F.checked(o));
                assertTrue(F.isExact(o));
                if (Double.isNaN(expected)) nans++;
                assertBits(o, packed, expected);
                refs.assertUnchanged();
            }
            assertTrue(nans > 0, "random bit patterns include NaNs");
        }
    }

    @Test
    void floatsMadeByPythonMatchTheirPackedBits() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec("import random as _fv_random, struct as _fv_struct, math as _fv_math\n"
                    + "class _FvFloat(float):\n"
                    + "    pass\n"
                    + "def _fv_cases():\n"
                    + "    rnd = _fv_random.Random(2718)\n"
                    + "    out = [float('nan'), float('inf'), float('-inf'), 0.0, -0.0, 5e-324, -5e-324,\n"
                    + "           2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, -1.5, 1 / 3,\n"
                    + "           _fv_math.pi, _fv_math.nextafter(0.0, 1.0) if hasattr(_fv_math, 'nextafter') else 5e-324]\n"
                    + "    out += [rnd.random() * 10.0 ** rnd.randint(-320, 308) * rnd.choice((1, -1)) for _ in range(300)]\n"
                    + "    out += [_fv_struct.unpack('<d', rnd.getrandbits(64).to_bytes(8, 'little'))[0] for _ in range(300)]\n"
                    + "    out += [float.fromhex('0x0.%013xp-1022' % rnd.getrandbits(52)) for _ in range(100)]\n"
                    + "    out += [float(i) / 7 for i in range(-50, 50)]\n"
                    + "    out += [_FvFloat(x) for x in (0.0, -0.0, 1.5, float('nan'), float('-inf'), 5e-324, 1e308)]\n"
                    + "    return out\n");
            long list = owned.eval("_fv_cases()");
            long bitsOf = owned.add(bitsFunction());
            long isExact = owned.add(Oracle.function("lambda x: int(type(x) is float)"));
            int subclasses = 0;
            for (long o : Oracle.items(list)) {
                boolean exact = Oracle.callLong(isExact, o) == 1;
                long packed = Oracle.callLong(bitsOf, o);
                var refs = Oracle.RefCounts.of(o);
                assertEquals(o, F.checked(o));
                assertEquals(exact, F.isExact(o));
                if (!exact) subclasses++;
                assertBits(o, packed, Double.longBitsToDouble(packed));
                refs.assertUnchanged();
            }
            assertEquals(7, subclasses);
        }
    }

    /** {@code x}'s IEEE-754 bits, packed by Python's {@code struct} (not read through any view). */
    private static long bitsFunction() {
        return Oracle.function("lambda x: __import__('struct').unpack('<q', __import__('struct').pack('<d', x))[0]");
    }

    private static void assertBits(long o, long packed, double expected) {
        double read = F.value(o);
        assertEquals(packed, Double.doubleToRawLongBits(read), () -> "bits of " + expected);
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(read), () -> "raw bits of " + expected);
        double api = PY.PyFloat_AsDouble(o);
        assertEquals(0L, PY.PyErr_Occurred());
        // the C-API result is compared by value: a NaN's payload need not survive the return register
        assertEquals(Double.doubleToLongBits(api), Double.doubleToLongBits(read), () -> "PyFloat_AsDouble of " + expected);
    }
}
