package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.PyStrView;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PyStrView} against {@code PyUnicode_GetLength}, {@code PyUnicode_ReadChar}, {@code PyUnicode_AsUTF8AndSize},
 * {@code len}, {@code ord}, {@code hash}, {@code str.isascii} and {@code sys._is_interned}, over every kind: ASCII,
 * latin-1, UCS2, UCS4, empty, single characters, lone surrogates, long strings, legacy (subclass) strings, interned
 * strings, and the not-ready strings of 3.9–3.11.
 */
class StrViewTest {

    private static final PyStrView S = Live.VIEWS.str();

    /**
     * {@code _sv_cases()} returns {@code (string, fresh)} pairs; a fresh string was built at run time and nothing has
     * hashed it, encoded it or interned it (literals are constants of a code object, which hashes them).
     */
    private static final String SETUP = "import random as _sv_random, sys as _sv_sys\n"
            + "class _SvStr(str):\n"
            + "    pass\n"
            + "def _sv_cases():\n"
            + "    rnd = _sv_random.Random(31337)\n"
            + "    def rand(n, lo, hi):\n"
            + "        return ''.join(chr(rnd.randrange(lo, hi)) for _ in range(n))\n"
            + "    fresh = []\n"
            + "    ranges = [(0x20, 0x7f), (0, 0x80), (0x80, 0x100), (0, 0x100), (0x100, 0xd800), (0xe000, 0x10000),\n"
            + "              (0, 0x10000), (0x10000, 0x110000), (0, 0x110000), (0xd800, 0xe000)]\n"
            + "    for lo, hi in ranges:\n"
            + "        for n in (2, 3, 5, 10, 31, 100, 1000, 4097):\n"
            + "            fresh.append(rand(n, lo, hi))\n"
            + "    for c in (0xe9, 0x20ac, 0x1f600, 0xd800, 0xdfff, 0, 0xff, 0x100):\n"
            + "        for at in (0, 1, 50, 99):\n"
            + "            fresh.append('a' * at + chr(c) + 'b' * (99 - at))\n"
            + "    fresh += [chr(c) for c in (0x100, 0x7ff, 0x800, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff, 0xd800,\n"
            + "                               0xdbff, 0xdc00, 0xdfff)]\n"
            + "    fresh += [chr(0x61) * 100000, chr(0xe9) * 50000, chr(0x20ac) * 70000, chr(0x1f600) * 30000,\n"
            + "              rand(200000, 0, 0x110000), chr(0xd83d) + chr(0xde00), chr(0xd800) * 3 + 'x']\n"
            + "    fresh += [_SvStr(rand(n, lo, hi)) for n in (0, 1, 2, 10, 300, 5000) for lo, hi in ranges]\n"
            + "    other = ['a\\ud800b', '\\udfff' * 5, '\\ud83d\\ude00', '\\ud83d' + 'x', 'x\\udc00', '\\U0010ffff\\ud800',\n"
            + "             '\\x00' * 7, 'nul\\x00inside', 'tab\\tnewline\\n', '\\u00ff' * 3, '\\uffff\\ufffe', 'plain',\n"
            + "             '\\xe9t\\xe9', '\\u20ac', '\\U0001f600']\n"
            + "    other += [chr(c) for c in (0, 1, 0x41, 0x7f, 0x80, 0xe9, 0xff)]\n"
            + "    other += ['', str(), ''.join([])]\n"
            + "    other += [_SvStr(s) for s in ('', 'a', 'ascii only', '\\xe9t\\xe9', '\\u20ac uro', '\\U0001f600!')]\n"
            + "    other += [_sv_sys.intern('sv_interned_%d_%s' % (i, 'x' * i)) for i in range(40)]\n"
            + "    other += [_sv_sys.intern(''.join(['sv', '_\\xe9t\\xe9_', str(i)])) for i in range(10)]\n"
            + "    return [(s, 1) for s in fresh] + [(s, 0) for s in other]\n";

    @Test
    void everyKindMatchesTheCApi() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            long list = owned.eval("_sv_cases()");
            long isExact = owned.add(Oracle.function("lambda s: int(type(s) is str)"));
            long isAscii = owned.add(Oracle.function("lambda s: int(s.isascii())"));
            long pyLen = owned.add(Oracle.function("len"));
            long maxChar = owned.add(Oracle.function("lambda s: max(map(ord, s), default=0)"));
            long ords = owned.add(Oracle.function("lambda s: ' '.join('%x' % ord(c) for c in s)"));
            long pyHash = owned.add(Oracle.function("hash"));
            long interned = owned.add(Oracle.function(
                    "lambda s: int(_sv_sys._is_interned(s)) if hasattr(_sv_sys, '_is_interned') else -1"));
            long[] pairs = Oracle.items(list);
            long[] strings = new long[pairs.length];
            for (int i = 0; i < pairs.length; i++) strings[i] = PY.PyTuple_GetItem(pairs[i], 0);
            long unicodeEncodeError = Oracle.exceptionType("UnicodeEncodeError");
            int[] kinds = new int[5];
            int legacy = 0;
            int internedCount = 0;
            int freshCount = 0;
            for (int i = 0; i < pairs.length; i++) {
                long s = strings[i];
                // what Python says, asked before the views read (Python code may touch shared strings' counts)
                boolean fresh = Oracle.asLong(PY.PyTuple_GetItem(pairs[i], 1)) == 1;
                long pyLength = Oracle.callLong(pyLen, s);
                boolean exact = Oracle.callLong(isExact, s) == 1;
                long max = Oracle.callLong(maxChar, s);
                boolean ascii = Oracle.callLong(isAscii, s) == 1;
                int[] codePoints = codePoints(Oracle.callText(ords, s));
                long internedState = Oracle.callLong(interned, s);

                var refs = Oracle.RefCounts.of(s);
                assertEquals(s, S.checked(s));
                long length = PY.PyUnicode_GetLength(s);
                assertEquals(length, S.length(s), "length vs PyUnicode_GetLength");
                assertEquals(pyLength, S.length(s), "length vs len()");
                assertEquals(exact, S.isExact(s));
                assertEquals(exact, S.isCompact(s), "exact str objects are compact, subclass instances legacy");
                if (!exact) legacy++;
                assertTrue(S.isReady(s));
                int kind = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
                assertEquals(kind, S.kind(s), "kind for max code point " + max);
                kinds[kind]++;
                assertEquals(ascii, S.isAscii(s), "ascii bit vs str.isascii()");
                assertEquals(length, codePoints.length);
                assertCodePoints(s, codePoints);
                assertEquals(javaString(codePoints), S.toJavaString(s), "toJavaString");

                long data = S.data(s);
                assertNotEquals(0L, data);
                // the hot path: one read of the state word, handed to the readers that take it
                int state = S.state(s);
                assertEquals(kind, S.kindOf(state));
                assertEquals(ascii, S.isAsciiState(state));
                assertEquals(exact, S.isCompactState(state));
                assertTrue(S.isReadyState(state));
                assertEquals(data, S.data(s, state));
                assertEquals(0, nul(data + length * kind, kind), "NUL code unit after the last character");

                if (internedState >= 0) assertEquals(internedState == 1, S.interned(s) != 0, "interned vs sys._is_interned");
                boolean isInterned = S.interned(s) != 0;
                if (isInterned) internedCount++;
                if (fresh) {
                    freshCount++;
                    assertEquals(0, S.interned(s), "a fresh string is not interned");
                    if (length > 1) assertEquals(-1L, S.hash(s), "hash of an unhashed str");
                }
                assertUtf8Cache(s, ascii, exact, codePoints, fresh, unicodeEncodeError);
                long h = PY.PyObject_Hash(s);
                assertEquals(h, S.hash(s), "hash cached by PyObject_Hash");
                refs.assertUnchanged();
                assertEquals(h, Oracle.callLong(pyHash, s), "hash() from Python");
            }
            assertTrue(kinds[1] > 50 && kinds[2] > 50 && kinds[4] > 20, "kinds 1/2/4: " + kinds[1] + "/" + kinds[2] + "/" + kinds[4]);
            assertEquals(66, legacy);
            assertEquals(191, freshCount);
            assertTrue(internedCount >= 50, internedCount + " interned strings");
        }
    }

    @Test
    void stringsDecodedFromJavaReadBackExactly() {
        Random rnd = new Random(0x57121E5L);
        List<String> texts = new ArrayList<>();
        int[][] ranges = {{0x20, 0x7f}, {0, 0x80}, {0x80, 0x100}, {0, 0x100}, {0x100, 0xd800}, {0xe000, 0x10000},
                {0x10000, 0x110000}, {0, 0x110000}};
        for (int[] r : ranges) {
            for (int i = 0; i < 40; i++) texts.add(randomText(rnd, rnd.nextInt(i < 5 ? 4 : 2000), r[0], r[1]));
        }
        for (int i = 0; i < 200; i++) {
            int[] r = ranges[rnd.nextInt(ranges.length)];
            texts.add(randomText(rnd, rnd.nextInt(100), r[0], r[1]) + randomText(rnd, rnd.nextInt(3), 0, 0x110000));
        }
        texts.add("");
        texts.add("ok");
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long[] strings = new long[texts.size()];
            for (int i = 0; i < strings.length; i++) {
                byte[] utf8 = texts.get(i).getBytes(StandardCharsets.UTF_8);
                long p = Oracle.nativeCopy(utf8);
                try {
                    strings[i] = owned.add(PY.PyUnicode_FromStringAndSize(p, utf8.length));
                } finally {
                    Oracle.free(p);
                }
            }
            var refs = Oracle.RefCounts.of(strings);
            for (int i = 0; i < strings.length; i++) {
                long s = strings[i];
                String text = texts.get(i);
                int[] codePoints = text.codePoints().toArray();
                assertEquals(s, S.checked(s));
                assertTrue(S.isExact(s) && S.isCompact(s) && S.isReady(s));
                assertEquals(codePoints.length, S.length(s));
                assertEquals(PY.PyUnicode_GetLength(s), S.length(s));
                int max = text.codePoints().max().orElse(0);
                assertEquals(max < 0x100 ? 1 : max < 0x10000 ? 2 : 4, S.kind(s));
                boolean ascii = max < 0x80;
                assertEquals(ascii, S.isAscii(s));
                assertEquals(text, S.toJavaString(s));
                assertCodePoints(s, codePoints);
                if (codePoints.length > 1) {
                    assertEquals(0, S.interned(s));
                    assertEquals(-1L, S.hash(s), "a decoded str is not hashed");
                }
                assertUtf8Cache(s, ascii, true, codePoints, codePoints.length > 1, 0);
                assertEquals(PY.PyObject_Hash(s), S.hash(s));
            }
            refs.assertUnchanged();
        }
    }

    /** 3.9–3.11: strings made by the deprecated {@code PyUnicode_FromUnicode(NULL, n)} are not ready. */
    @Test
    void notReadyStringsAreRefusedUntilReady() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec("import ctypes as _sv_ctypes, warnings as _sv_warnings\n"
                    + "def _sv_not_ready(n, fill):\n"
                    + "    api = _sv_ctypes.pythonapi\n"
                    + "    make = api.PyUnicode_FromUnicode\n"
                    + "    make.restype = _sv_ctypes.py_object\n"
                    + "    make.argtypes = (_sv_ctypes.c_void_p, _sv_ctypes.c_ssize_t)\n"
                    + "    with _sv_warnings.catch_warnings():\n"
                    + "        _sv_warnings.simplefilter('ignore')\n"
                    + "        s = make(None, n)\n"
                    + "        if fill is not None:\n"
                    + "            wstr = api.PyUnicode_AsUnicode\n"
                    + "            wstr.restype = _sv_ctypes.c_void_p\n"
                    + "            wstr.argtypes = (_sv_ctypes.py_object,)\n"
                    + "            _sv_ctypes.memmove(wstr(s), fill.encode('utf-32-le'), 4 * n)\n"
                    + "    return s\n");
            boolean available = Oracle.evalLong("int(hasattr(_sv_ctypes.pythonapi, 'PyUnicode_FromUnicode'))") == 1;
            if (Oracle.minor() >= 12) {
                assertFalse(available, "3.12 removed PyUnicode_FromUnicode: every str is ready");
                return;
            }
            assertTrue(available);
            String[] fills = {null, null, "abc", "x", "latin \u00e9", "euro \u20ac", "emoji \ud83d\ude00!", "long ".repeat(200)};
            int[] sizes = {1, 3, 3, 1, 7, 6, 8, 1000};
            long size = Oracle.calloc(8);
            try {
                for (int i = 0; i < fills.length; i++) {
                    String fill = fills[i];
                    long s = owned.eval("_sv_not_ready(" + sizes[i] + ", " + (fill == null ? "None" : pyLiteral(fill)) + ")");
                    var refs = Oracle.RefCounts.of(s);
                    assertEquals(s, S.checked(s));
                    assertTrue(S.isExact(s));
                    assertFalse(S.isReady(s), "made by PyUnicode_FromUnicode(NULL, n): not ready");
                    assertEquals(0, S.kind(s), "PyUnicode_WCHAR_KIND");
                    assertFalse(S.isCompact(s));
                    assertEquals(0L, S.data(s), "no characters in place");
                    assertEquals(0L, S.utf8(s));
                    assertThrows(IllegalStateException.class, () -> S.toJavaString(s));
                    assertThrows(IllegalStateException.class, () -> S.codePoint(s, 0));
                    refs.assertUnchanged();
                    if (fill == null) continue; // the characters are uninitialized: never make it ready

                    long utf8 = PY.PyUnicode_AsUTF8AndSize(s, size);
                    assertNotEquals(0L, utf8, "PyUnicode_AsUTF8AndSize readies the string");
                    assertTrue(S.isReady(s));
                    assertFalse(S.isCompact(s), "a readied string stays legacy");
                    int max = fill.codePoints().max().orElse(0);
                    assertEquals(max < 0x100 ? 1 : max < 0x10000 ? 2 : 4, S.kind(s));
                    assertEquals(fill.codePointCount(0, fill.length()), S.length(s));
                    assertEquals(PY.PyUnicode_GetLength(s), S.length(s));
                    assertEquals(fill, S.toJavaString(s));
                    assertCodePoints(s, fill.codePoints().toArray());
                    assertEquals(utf8, S.utf8(s), "utf8 cache");
                    assertEquals(Live.MEM.getLong(size), S.utf8Length(s));
                    refs.assertUnchanged();
                }
            } finally {
                Oracle.free(size);
            }
        }
    }

    /**
     * Compact ASCII strings are their own UTF-8; other strings have no UTF-8 cached until {@code
     * PyUnicode_AsUTF8AndSize} makes it (legacy ASCII strings share their data), and then the view finds it.
     */
    private static void assertUtf8Cache(long s, boolean ascii, boolean exact, int[] codePoints, boolean fresh,
                                        long unicodeEncodeError) {
        long size = Oracle.calloc(8);
        try {
            if (ascii) {
                assertEquals(S.data(s), S.utf8(s), "an ASCII string is its own UTF-8");
                assertEquals(S.length(s), S.utf8Length(s));
            } else if (fresh) {
                assertEquals(0L, S.utf8(s), "no UTF-8 cached yet");
                assertEquals(0L, S.utf8Length(s));
            }
            long utf8 = PY.PyUnicode_AsUTF8AndSize(s, size);
            boolean surrogates = false;
            for (int c : codePoints) surrogates |= c >= 0xd800 && c < 0xe000;
            if (surrogates) {
                assertEquals(0L, utf8, "lone surrogates have no UTF-8");
                Oracle.takeError(unicodeEncodeError, "PyUnicode_AsUTF8AndSize of lone surrogates");
                assertEquals(0L, S.utf8(s), "nothing cached after a failed encode");
                return;
            }
            assertNotEquals(0L, utf8);
            assertEquals(utf8, S.utf8(s), "utf8 cache vs PyUnicode_AsUTF8AndSize");
            assertEquals(Live.MEM.getLong(size), S.utf8Length(s));
            assertEquals(utf8, S.utf8(s, S.state(s)));
            assertEquals(Live.MEM.getLong(size), S.utf8Length(s, S.state(s)));
            if (ascii && exact) assertEquals(S.data(s), utf8);
            byte[] bytes = new byte[(int) S.utf8Length(s)];
            Live.MEM.copyToArray(S.utf8(s), bytes, 0, bytes.length);
            assertEquals(S.toJavaString(s), new String(bytes, StandardCharsets.UTF_8));
        } finally {
            Oracle.free(size);
        }
    }

    /** Every code point against {@code PyUnicode_ReadChar} (sampled in long strings) and the expected ones. */
    private static void assertCodePoints(long s, int[] expected) {
        int n = expected.length;
        int step = n > 5000 ? 97 : 1;
        for (int i = 0; i < n; i += step) assertCodePoint(s, expected, i);
        if (n > 0) assertCodePoint(s, expected, n - 1);
    }

    private static void assertCodePoint(long s, int[] expected, int i) {
        int read = PY.PyUnicode_ReadChar(s, i);
        assertEquals(expected[i], read, "PyUnicode_ReadChar at " + i);
        assertEquals(read, S.codePoint(s, i), "code point " + i);
    }

    private static int nul(long address, int kind) {
        return switch (kind) {
            case 1 -> Live.MEM.getByte(address);
            case 2 -> Live.MEM.getShort(address);
            default -> Live.MEM.getInt(address);
        };
    }

    private static int[] codePoints(String hexList) {
        if (hexList.isEmpty()) return new int[0];
        String[] parts = hexList.split(" ");
        int[] cps = new int[parts.length];
        for (int i = 0; i < parts.length; i++) cps[i] = Integer.parseInt(parts[i], 16);
        return cps;
    }

    /** Code points as Java text, lone surrogates as lone UTF-16 units. */
    private static String javaString(int[] codePoints) {
        StringBuilder b = new StringBuilder(codePoints.length);
        for (int c : codePoints) b.appendCodePoint(c);
        return b.toString();
    }

    private static String randomText(Random rnd, int n, int lo, int hi) {
        StringBuilder b = new StringBuilder();
        while (b.codePointCount(0, b.length()) < n) {
            int c = lo + rnd.nextInt(hi - lo);
            if (c >= 0xd800 && c < 0xe000) continue;
            b.appendCodePoint(c);
        }
        return b.toString();
    }

    private static String pyLiteral(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().forEach(c -> b.append(String.format("\\U%08x", c)));
        return b.append('\'').toString();
    }
}
