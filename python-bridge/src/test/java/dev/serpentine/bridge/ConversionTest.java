package dev.serpentine.bridge;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values both ways, each checked against Python's own answer (repr, type, ==, code points, IEEE bits), and the
 * reference counts of the objects involved before and after.
 */
class ConversionTest {

    private static final PythonRuntime RT = Bridge.RUNTIME;

    @BeforeAll
    static void definePythonHelpers() {
        RT.call(python -> {
            python.exec("import struct, sys, collections\n"
                    + "class _MyInt(int): pass\n"
                    + "class _MyFloat(float): pass\n"
                    + "class _MyStr(str): pass\n"
                    + "class _MyBytes(bytes): pass\n"
                    + "class _Plain: pass\n"
                    + "def _describe(x):\n"
                    + "    t = type(x).__name__\n"
                    + "    if isinstance(x, float): return t + '|' + str(struct.unpack('<q', struct.pack('<d', x))[0])\n"
                    + "    if isinstance(x, str): return t + '|' + ','.join(str(ord(c)) for c in x)\n"
                    + "    if isinstance(x, bytes): return t + '|' + x.hex()\n"
                    + "    return t + '|' + repr(x)\n"
                    + "def _same(x, literal):\n"
                    + "    y = eval(literal)\n"
                    + "    return type(x) is type(y) and (x == y or (x != x and y != y))\n");
            return null;
        });
    }

    private static Object toJava(String expression) {
        return Bridge.eval(expression);
    }

    private static String describe(Object javaValue) {
        return RT.call(python -> {
            try (PyRef f = python.eval("_describe"); PyRef r = python.call(f, javaValue)) {
                return (String) python.toJava(r);
            }
        });
    }

    private static boolean same(Object javaValue, String literal) {
        return RT.call(python -> {
            try (PyRef f = python.eval("_same"); PyRef r = python.call(f, javaValue, literal)) {
                return (Boolean) python.toJava(r);
            }
        });
    }

    /** A Java string with exactly these code points (a lone surrogate stays one char). */
    private static String fromCodePoints(String commaSeparated) {
        StringBuilder sb = new StringBuilder();
        if (!commaSeparated.isEmpty()) {
            for (String cp : commaSeparated.split(",")) sb.appendCodePoint(Integer.parseInt(cp));
        }
        return sb.toString();
    }

    // --- Python → Java ---------------------------------------------------------------------------------------

    @Test
    void noneAndBools() {
        assertNull(toJava("None"));
        assertSame(Boolean.TRUE, toJava("True"));
        assertSame(Boolean.FALSE, toJava("False"));
        assertSame(Boolean.TRUE, toJava("1 == 1"));
        assertEquals(1L, toJava("True + 0"), "arithmetic on bool gives int");
        assertInstanceOf(Long.class, toJava("True + 0"));
    }

    static final List<String> INTS = List.of("0", "1", "-1", "-5", "-6", "256", "257", "2**30-1", "2**30", "-(2**30)",
            "2**31-1", "2**31", "-(2**31)", "-(2**31)-1", "2**32", "2**59", "2**60-1", "2**60", "-(2**60)", "2**62",
            "2**63-2", "2**63-1", "2**63", "2**63+1", "-(2**63)", "-(2**63)+1", "-(2**63)-1", "2**64-1", "2**64",
            "-(2**64)", "2**64+1", "2**90+1", "-(2**90)-1", "10**500", "-(10**500)", "2**4000", "-(2**4000)+1",
            "_MyInt(7)", "_MyInt(-(2**63))", "_MyInt(2**63)", "_MyInt(-2**70)",
            "__import__('enum').IntEnum('E', 'A B')(2)", "int('9' * 30)");

    @Test
    void intsAroundEvery64BitBoundaryAndBeyond() {
        for (String e : INTS) {
            Object v = toJava(e);
            BigInteger expected = new BigInteger((String) toJava("str(int(" + e + "))"));
            boolean fits = (Boolean) toJava("-2**63 <= (" + e + ") < 2**63");
            if (fits) {
                assertInstanceOf(Long.class, v, e);
            } else {
                assertInstanceOf(BigInteger.class, v, e);
            }
            assertEquals(expected, new BigInteger(v.toString()), e);
        }
    }

    @Test
    void floatsBitForBit() {
        for (String e : List.of("0.0", "-0.0", "1.5", "0.1", "-2.5e-300", "float('nan')", "float('inf')",
                "float('-inf')", "5e-324", "-5e-324", "1e-310", "2.225073858507201e-308", "2.2250738585072014e-308",
                "1.7976931348623157e308", "_MyFloat(2.5)", "_MyFloat('-0.0')", "float(2**53 + 1)")) {
            Object v = toJava(e);
            assertInstanceOf(Double.class, v, e);
            long bits = (Long) toJava("struct.unpack('<q', struct.pack('<d', " + e + "))[0]");
            assertEquals(bits, Double.doubleToRawLongBits((Double) v), e);
        }
    }

    static final List<String> STRS = List.of("''", "'ascii'", "'caf\\xe9'", "'\\xff\\x00\\x01'", "'\\x00'",
            "'\\u0100'", "'\\u20ac uro'", "'\\uffff'", "'\\U0001F600'", "'a\\U0010ffffz'", "'\\ud800'", "'\\udfff'",
            "'a\\ud800b'", "'\\udc00\\ud800'", "'\\ud83d\\ude00'", "'\\U0001F600\\ud800'", "'x' * 10000",
            "'\\xe9' * 10000", "'\\u20ac' * 10000", "'\\U0001F600' * 10000", "_MyStr('')", "_MyStr('ascii')",
            "_MyStr('caf\\xe9')", "_MyStr('\\u20ac')", "_MyStr('\\U0001F600\\ud800')", "sys.intern('an_interned_name')",
            "str(12345)", "'\\u00e9'.upper() + 'x'.join('\\u4e2d\\u6587')", "'\\N{GREEK SMALL LETTER ALPHA}'");

    @Test
    void strsOfEveryKindIncludingLoneSurrogates() {
        for (String e : STRS) {
            Object v = toJava(e);
            assertInstanceOf(String.class, v, e);
            String codePoints = (String) toJava("','.join(str(ord(c)) for c in (" + e + "))");
            assertEquals(fromCodePoints(codePoints), v, e);
            assertEquals(((Long) toJava("len(" + e + ")")).intValue(),
                    ((String) v).chars().count() - ((String) v).codePoints().filter(Character::isSupplementaryCodePoint).count()
                            - surrogatePairsFromLoneSurrogates(e), e);
        }
        assertEquals("\uD800", toJava("'\\ud800'"));
        assertEquals("\uD83D\uDE00", toJava("'\\U0001F600'"));
    }

    /** '\ud83d\ude00' in Python is two code points, but the same two chars in Java read as one pair. */
    private static long surrogatePairsFromLoneSurrogates(String e) {
        return e.equals("'\\ud83d\\ude00'") ? -1 : 0;
    }

    @Test
    void bytesIncludingEmptyAndSubclasses() {
        for (String e : List.of("b''", "b'\\x00'", "b'\\x00\\xff'", "bytes(range(256))", "b'x' * 100000",
                "_MyBytes(b'ab\\x00')", "_MyBytes()", "'\\u20ac'.encode()")) {
            Object v = toJava(e);
            assertInstanceOf(byte[].class, v, e);
            assertEquals(toJava("(" + e + ").hex()"), HexFormat.of().formatHex((byte[]) v), e);
        }
    }

    @Test
    void unsupportedPythonTypesAreRefusedNamingTheType() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("[]", "'list'");
        cases.put("{}", "'dict'");
        cases.put("(1,)", "'tuple'");
        cases.put("object()", "'object'");
        cases.put("1j", "'complex'");
        cases.put("bytearray(b'x')", "'bytearray'");
        cases.put("memoryview(b'x')", "'memoryview'");
        cases.put("collections.OrderedDict()", "'collections.OrderedDict'");
        cases.put("_Plain()", "'__main__._Plain'");
        cases.put("len", "'builtin_function_or_method'");
        long live = RT.liveHandles();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> toJava(c.getKey()));
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + ": " + e.getMessage());
        }
        assertEquals(live, RT.liveHandles());
    }

    // --- Java → Python ---------------------------------------------------------------------------------------

    @Test
    void javaValuesBecomeTheRightPythonObjects() {
        assertEquals("NoneType|None", describe(null));
        assertEquals("bool|True", describe(true));
        assertEquals("bool|False", describe(Boolean.FALSE));
        assertTrue(same(null, "None"));
        assertTrue(same(true, "True"));
        assertTrue(same(false, "False"));
        for (Object v : List.of((byte) -128, (byte) 127, (short) -32768, (short) 32767, Integer.MIN_VALUE,
                Integer.MAX_VALUE, 0, 0L, 1L, -1L, 1L << 30, 1L << 31, -(1L << 31) - 1, 1L << 32, 1L << 60,
                (1L << 60) - 1, Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE, Long.MIN_VALUE + 1)) {
            assertEquals("int|" + v, describe(v), "" + v);
            assertTrue(same(v, v.toString()), "" + v);
        }
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        for (BigInteger v : List.of(BigInteger.ZERO, BigInteger.valueOf(Long.MIN_VALUE),
                BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE), BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE),
                two64.subtract(BigInteger.ONE), two64, two64.negate(), BigInteger.ONE.shiftLeft(100),
                BigInteger.TEN.pow(500).negate(), BigInteger.ONE.shiftLeft(4000).subtract(BigInteger.ONE))) {
            assertEquals("int|" + v, describe(v), v.toString());
            assertTrue(same(v, v.toString()), v.toString());
        }
        for (double d : new double[]{0.0, -0.0, 1.5, 0.1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL), Double.MAX_VALUE,
                1e-310}) {
            assertEquals("float|" + Double.doubleToRawLongBits(d), describe(d), "" + d);
            assertTrue(same(d, "float.fromhex('" + hex(d) + "')"), "" + d);
        }
        assertEquals("float|" + Double.doubleToRawLongBits(0.1f), describe(0.1f));
        assertEquals("float|" + Double.doubleToRawLongBits(-0.0), describe(-0.0f));
        assertTrue(same(Float.NaN, "float('nan')"));
    }

    private static String hex(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return Double.toHexString(d);
    }

    @Test
    void javaStringsKeepTheirCodePointsLoneSurrogatesIncluded() {
        for (String s : List.of("", "ascii", "caf\u00e9", "\u00ff\u0000", "\u20ac", "\uffff", "\uD83D\uDE00",
                "a\uDBFF\uDFFFz", "\uD800", "\uDFFF", "a\uD800b", "\uDC00\uD800", "\uD83D\uDE00\uD800", "x".repeat(10000),
                "\u20ac".repeat(10000), "\uD83D\uDE00".repeat(5000))) {
            String expected = "str|" + String.join(",", s.codePoints().mapToObj(Integer::toString).toList());
            assertEquals(expected, describe(s), s);
        }
        assertTrue(same("\uD800", "'\\ud800'"));
        assertTrue(same("a\uDC00", "'a\\udc00'"));
        assertTrue(same("\uD83D\uDE00", "'\\U0001F600'"));
        assertTrue(same("", "''"));
        assertTrue(same('x', "'x'"));
        assertTrue(same('\uD800', "'\\ud800'"));
    }

    /** str() and repr() give the same text as toJava of the str they produce: lone surrogates included. */
    @Test
    void strAndReprKeepLoneSurrogates() {
        RT.call(python -> {
            python.exec("import os\n"
                    + "class _Odd:\n"
                    + "    def __str__(self): return 'odd \\ud800'\n"
                    + "    def __repr__(self): return '<odd \\udfff>'\n");
            try (PyRef lone = python.toPython("a\uD800b");
                 PyRef odd = python.eval("_Odd()");
                 PyRef undecodable = python.eval("os.fsdecode(b'file-\\xff.txt')");
                 PyRef mixed = python.toPython("caf\u00e9 \uD83D\uDE00")) {
                assertEquals("a\uD800b", python.str(lone));
                assertEquals("'a\\ud800b'", python.repr(lone));
                assertEquals("odd \uD800", python.str(odd));
                assertEquals("<odd \uDFFF>", python.repr(odd));
                assertEquals("file-\uDCFF.txt", python.str(undecodable), "a file name with an undecodable byte");
                assertEquals(python.toJava(undecodable), python.str(undecodable));
                assertEquals("caf\u00e9 \uD83D\uDE00", python.str(mixed));
            }
            return null;
        });
    }

    @Test
    void javaByteArraysBecomeBytes() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) all[i] = (byte) i;
        for (byte[] b : List.of(new byte[0], new byte[]{0}, new byte[]{(byte) 0xff}, all, new byte[100_000])) {
            assertEquals("bytes|" + HexFormat.of().formatHex(b), describe(b));
        }
        assertTrue(same(new byte[0], "b''"));
        assertTrue(same(new byte[]{0, (byte) 0xff}, "b'\\x00\\xff'"));
    }

    @Test
    void roundTripsFromJava() {
        List<Object[]> cases = new ArrayList<>();
        for (Object v : List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 1.5, -0.0, Double.NaN, Double.MIN_VALUE, "",
                "\uD800", "caf\u00e9\uD83D\uDE00", true, false)) {
            cases.add(new Object[]{v, v});
        }
        cases.add(new Object[]{7, 7L});
        cases.add(new Object[]{(short) -3, -3L});
        cases.add(new Object[]{(byte) -128, -128L});
        cases.add(new Object[]{0.1f, (double) 0.1f});
        cases.add(new Object[]{'c', "c"});
        cases.add(new Object[]{BigInteger.valueOf(-42), -42L});
        cases.add(new Object[]{BigInteger.ONE.shiftLeft(64), BigInteger.ONE.shiftLeft(64)});
        cases.add(new Object[]{BigInteger.ONE.shiftLeft(63).negate().subtract(BigInteger.ONE),
                BigInteger.ONE.shiftLeft(63).negate().subtract(BigInteger.ONE)});
        cases.add(new Object[]{null, null});
        long live = RT.liveHandles();
        RT.call(python -> {
            for (Object[] c : cases) {
                try (PyRef p = python.toPython(c[0])) {
                    Object back = python.toJava(p);
                    if (back instanceof Double d) {
                        assertEquals(Double.doubleToRawLongBits((Double) c[1]), Double.doubleToRawLongBits(d));
                    } else {
                        assertEquals(c[1], back, String.valueOf(c[0]));
                    }
                }
            }
            byte[] b = {1, 2, 3};
            try (PyRef p = python.toPython(b)) {
                assertArrayEquals(b, (byte[]) python.toJava(p));
            }
            return null;
        });
        assertEquals(live, RT.liveHandles());
    }

    @Test
    void unsupportedJavaTypesAreRefusedNamingTheType() {
        long live = RT.liveHandles();
        for (Object v : List.of(new Object(), List.of(1), Map.of(), new int[]{1}, Optional.empty(),
                new StringBuilder("x"), new BigDecimal("1.5"), new String[]{"a"})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RT.call(python -> python.toPython(v)));
            assertTrue(e.getMessage().contains(v.getClass().getName()), e.getMessage());
        }
        assertEquals(live, RT.liveHandles());
    }

    /** A failed conversion in the middle of building arguments frees what was built. */
    @Test
    void aFailedArgumentConversionLeaksNothing() {
        long live = RT.liveHandles();
        RT.call(python -> {
            try (PyRef target = python.eval("type('T', (), {})()"); PyRef f = python.eval("lambda *a, **k: None")) {
                long base = Bridge.refcount(python, target);
                assertThrows(IllegalArgumentException.class, () -> python.call(f, target, "x", new Object()));
                assertEquals(base, Bridge.refcount(python, target));
                Map<String, Object> kwargs = new LinkedHashMap<>();
                kwargs.put("a", target);
                kwargs.put("b", new Object());
                assertThrows(IllegalArgumentException.class, () -> python.call(f, List.of(target), kwargs));
                assertEquals(base, Bridge.refcount(python, target));
                assertThrows(IllegalArgumentException.class, () -> python.setAttr(target, "x", new Object()));
                assertEquals(Boolean.FALSE, toJavaIn(python, python.eval("hasattr"), target, "x"));
                assertEquals(base, Bridge.refcount(python, target));
            }
            return null;
        });
        assertEquals(live, RT.liveHandles());
    }

    private static Object toJavaIn(Python python, PyRef f, Object... args) {
        try (f; PyRef r = python.call(f, args)) {
            return python.toJava(r);
        }
    }

    @Test
    void conversionRoundTripsLeaveReferenceCountsAlone() {
        long live = RT.liveHandles();
        RT.call(python -> {
            // built at run time: constants of compiled code can be interned, and immortal on 3.12+
            python.exec("_n = int('7' * 3)\n"
                    + "_rc = [2**(_n + 100), -7 * 10**_n, ''.join(['abc'] * _n), 'caf\\xe9' * _n, '\\U0001F600\\ud800' * _n,"
                    + " 1.5e300 * (_n - 776), -0.0 * _n, b'xyz' * _n, b'', _MyInt(2**65), _MyStr('s'), _MyFloat(1.25),"
                    + " _MyBytes(b'q'), None, True, False, 12345678 * _n]");
            long n;
            try (PyRef rc = python.eval("_rc")) {
                n = (Long) toJavaIn(python, python.eval("len"), rc);
            }
            for (int i = 0; i < n; i++) {
                try (PyRef o = python.eval("_rc[" + i + "]")) {
                    long base = Bridge.refcount(python, o);
                    for (int k = 0; k < 100; k++) {
                        Object j = python.toJava(o);
                        try (PyRef back = python.toPython(j); PyRef same = python.toPython(o); PyRef shared = python.share(o)) {
                            assertEquals(o.address(), same.address());
                            assertEquals(o.address(), shared.address());
                            if (back.address() != o.address()) { // not a singleton (immortal on 3.12+)
                                assertEquals(base + 2, Bridge.refcount(python, o), "the two new handles on _rc[" + i + "]");
                            }
                        }
                    }
                    assertEquals(base, Bridge.refcount(python, o), "refcount of _rc[" + i + "]");
                }
            }
            return null;
        });
        assertEquals(live, RT.liveHandles());
    }
}
