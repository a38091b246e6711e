package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.view.PyStrView;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The C functions a codec needs ({@code PyUnicode_New}, {@code _PyBytes_Resize}, {@code _PyDict_NewPresized},
 * {@code PyErr_SetObject}, {@code PyException_SetCause}, {@code PyCapsule_Import}, {@code Py_EnterRecursiveCall}),
 * each against what CPython itself builds or reports, with reference counts and error paths.
 */
class CodecCApiTest {

    private static final PyStrView STR = Live.VIEWS.str();

    /** {@code fn(a, b)} is true: compared by Python. */
    private static boolean pyTrue(long fn, long a, long b) {
        return Oracle.callLong(fn, a, b) == 1;
    }

    // --- PyUnicode_New ---------------------------------------------------------------------------------------

    /** A str of {@code text} made with PyUnicode_New at {@code maxchar} and filled in place through bulk copies. */
    private static long fillNew(String text, int maxchar) {
        int[] cps = text.codePoints().toArray();
        long s = PY.PyUnicode_New(cps.length, maxchar);
        assertNotEquals(0L, s, "PyUnicode_New");
        if (cps.length == 0) return s;
        long data = STR.data(s);
        switch (STR.kind(s)) {
            case PyStrView.KIND_1BYTE -> {
                byte[] b = new byte[cps.length];
                for (int i = 0; i < cps.length; i++) b[i] = (byte) cps[i];
                Live.MEM.copyFromArray(b, 0, data, b.length);
            }
            case PyStrView.KIND_2BYTE -> {
                char[] c = text.toCharArray(); // no surrogates below 0x10000: one char per code point
                Live.MEM.copyFromArray(c, 0, data, c.length);
            }
            default -> Live.MEM.copyFromArray(cps, 0, data, cps.length);
        }
        return s;
    }

    @Test
    void aStrFilledInPlaceEqualsThePythonBuiltOneAtTheRightKind() {
        record Case(String text, int maxchar, int kind, boolean ascii) {
        }
        List<Case> cases = List.of(
                new Case("", 0, PyStrView.KIND_1BYTE, true),
                new Case("a", 0x7f, PyStrView.KIND_1BYTE, true),
                new Case("serpentine, the JSON bridge", 0x7f, PyStrView.KIND_1BYTE, true),
                new Case("héllo wörld ÿ", 0xff, PyStrView.KIND_1BYTE, false),
                new Case("€uro ∑ 中文", 0x6587, PyStrView.KIND_2BYTE, false),
                new Case("\uffff", 0xffff, PyStrView.KIND_2BYTE, false),
                new Case("snake 🐍 and 😀", 0x1f600, PyStrView.KIND_4BYTE, false),
                new Case("\udbff\udfff", 0x10ffff, PyStrView.KIND_4BYTE, false),
                new Case("x".repeat(100_000) + "é", 0xe9, PyStrView.KIND_1BYTE, false));
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long same = owned.add(Oracle.function(
                    "lambda a, b: int(type(a) is str and a == b and hash(a) == hash(b)"
                            + " and __import__('sys').getsizeof(a) == __import__('sys').getsizeof(b))"));
            for (Case c : cases) {
                long made = owned.add(fillNew(c.text, c.maxchar));
                long expected = owned.add(Live.withCString(c.text, p ->
                        PY.PyUnicode_FromStringAndSize(p, c.text.getBytes(StandardCharsets.UTF_8).length)));
                assertEquals(c.kind, STR.kind(made), c.text);
                assertEquals(STR.kind(expected), STR.kind(made), "the kind CPython picks for " + c.text);
                assertEquals(c.ascii, STR.isAscii(made), c.text);
                assertTrue(pyTrue(same, made, expected), "PyUnicode_New str differs from Python's: " + c.text);
                assertEquals(c.text, Live.INTERPRETER.utf8(made));
                if (!c.text.isEmpty()) assertEquals(1, Live.refcount(made), "a new str has one reference");
            }
        }
    }

    @Test
    void pyUnicodeNewRefusesArgumentsOutsideItsRangeBeforeCallingC() {
        try (var g = Live.gil()) {
            for (long[] bad : new long[][] {{-1, 0x7f}, {Long.MIN_VALUE, 0x7f}, {1L + Integer.MAX_VALUE, 0x7f},
                    {1, -1}, {1, 0x110000}, {1, Integer.MIN_VALUE}}) {
                var e = assertThrows(IllegalArgumentException.class, () -> PY.PyUnicode_New(bad[0], (int) bad[1]));
                assertTrue(e.getMessage().startsWith("PyUnicode_New: "), e.getMessage());
                assertEquals(0L, PY.PyErr_Occurred(), "no Python error for a refused call");
            }
            long max = PY.PyUnicode_New(3, 0x10ffff);
            assertEquals(PyStrView.KIND_4BYTE, STR.kind(max));
            Live.MEM.copyFromArray(new int[] {0x10ffff, 0, 'a'}, 0, STR.data(max), 3);
            assertEquals("\udbff\udfff\u0000a", Live.INTERPRETER.utf8(max));
            PY.Py_DecRef(max);
        }
    }

    // --- PyBytes_FromStringAndSize(0, n) + _PyBytes_Resize ---------------------------------------------------

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed);
        return b;
    }

    private static byte[] content(long bytes) {
        long n = PY.PyBytes_Size(bytes);
        byte[] b = new byte[(int) n];
        Live.MEM.copyToArray(PY.PyBytes_AsString(bytes), b, 0, b.length);
        return b;
    }

    @Test
    void aBytesResultGrowsAndShrinksInPlaceKeepingItsContent() {
        long slot = Oracle.calloc(8);
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long fromHex = owned.add(Oracle.function("lambda h, b: int(bytes.fromhex(h) == b and type(b) is bytes)"));
            long b = PY.PyBytes_FromStringAndSize(0, 16);
            assertNotEquals(0L, b);
            byte[] first = pattern(16, 7);
            Live.MEM.copyFromArray(first, 0, PY.PyBytes_AsString(b), 16);
            Live.MEM.putLong(slot, b);
            byte[] expected = first;
            for (int size : new int[] {17, 100_000, 1 << 20, 100, 3, 3, 1, 0, 5, 64}) {
                assertEquals(0, PY._PyBytes_Resize(slot, size), "resize to " + size);
                b = Live.MEM.getLong(slot);
                assertNotEquals(0L, b);
                assertEquals(size, PY.PyBytes_Size(b));
                assertEquals(0, Live.MEM.getByte(PY.PyBytes_AsString(b) + size), "NUL after the content");
                byte[] now = java.util.Arrays.copyOf(expected, size);
                byte[] kept = java.util.Arrays.copyOf(content(b), Math.min(size, expected.length));
                assertArrayEquals(java.util.Arrays.copyOf(expected, kept.length), kept, "content kept at " + size);
                // fill the new tail, as a growing encoder does
                for (int i = expected.length; i < size; i++) now[i] = (byte) (i ^ size);
                if (size > 0 && size > expected.length) {
                    Live.MEM.copyFromArray(now, expected.length, PY.PyBytes_AsString(b) + expected.length,
                            size - expected.length);
                }
                expected = now;
                long hex = owned.add(Live.withCString(java.util.HexFormat.of().formatHex(expected), p ->
                        PY.PyUnicode_FromStringAndSize(p, 2L * size)));
                assertTrue(pyTrue(fromHex, hex, b), "bytes after resizing to " + size + " as Python sees them");
                if (size > 1) assertEquals(1, Live.refcount(b), "the result keeps a single reference");
            }
            PY.Py_DecRef(Live.MEM.getLong(slot));
        } finally {
            Oracle.free(slot);
        }
    }

    @Test
    void resizingASharedOrNonBytesObjectReleasesTheCallersReference() {
        long slot = Oracle.calloc(8);
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long systemError = Oracle.exceptionType("SystemError");
            int minor = Oracle.minor(); // before any error is pending: it runs Python code
            // shared: a second reference makes in-place resizing wrong
            long data = Oracle.nativeCopy(pattern(10, 1));
            long shared = owned.add(PY.PyBytes_FromStringAndSize(data, 10));
            Oracle.free(data);
            PY.Py_IncRef(shared);
            Live.MEM.putLong(slot, shared);
            int result = PY._PyBytes_Resize(slot, 20);
            if (minor <= 12) {
                assertEquals(-1, result);
                assertEquals(0L, Live.MEM.getLong(slot), "*pbytes is set to NULL");
                Oracle.takeError(systemError, "_PyBytes_Resize of a shared bytes");
            } else { // 3.13+ resize a copy
                assertEquals(0, result);
                long copy = owned.add(Live.MEM.getLong(slot));
                assertNotEquals(shared, copy);
                assertEquals(20, PY.PyBytes_Size(copy));
                assertArrayEquals(pattern(10, 1), java.util.Arrays.copyOf(content(copy), 10), "the copy keeps the content");
                assertEquals(1, Live.refcount(copy));
            }
            assertEquals(1, Live.refcount(shared), "the reference passed in was released, the other one kept");
            assertArrayEquals(pattern(10, 1), content(shared), "the shared object is untouched");

            // negative size
            long fresh = PY.PyBytes_FromStringAndSize(0, 8);
            long survivor = owned.add(fresh);
            PY.Py_IncRef(fresh); // watch it through our own reference
            Live.MEM.putLong(slot, fresh);
            assertEquals(-1, PY._PyBytes_Resize(slot, -1));
            assertEquals(0L, Live.MEM.getLong(slot));
            Oracle.takeError(systemError, "_PyBytes_Resize to -1");
            assertEquals(1, Live.refcount(survivor));

            // not bytes at all
            long notBytes = owned.eval("bytearray(b'abc')");
            PY.Py_IncRef(notBytes);
            Live.MEM.putLong(slot, notBytes);
            assertEquals(-1, PY._PyBytes_Resize(slot, 5));
            assertEquals(0L, Live.MEM.getLong(slot));
            Oracle.takeError(systemError, "_PyBytes_Resize of a bytearray");
            assertEquals(1, Live.refcount(notBytes));
        } finally {
            Oracle.free(slot);
        }
    }

    // --- _PyDict_NewPresized ---------------------------------------------------------------------------------

    @Test
    void aPresizedDictIsAnEmptyDictWithRoomThatFillsLikePythons() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long sizeOf = owned.add(Oracle.function("__import__('sys').getsizeof"));
            long same = owned.add(Oracle.function("lambda a, b: int(type(a) is dict and a == b and list(a) == list(b))"));
            long emptySize = Oracle.callLong(sizeOf, owned.eval("{}"));
            for (long n : new long[] {-5, 0, 1, 5, 6, 100, 1000, 1L << 40}) {
                long d = owned.add(PY._PyDict_NewPresized(n));
                assertEquals(0, PY.PyDict_Size(d), "presized " + n);
                assertEquals(1, Live.refcount(d));
                if (n >= 100) {
                    assertTrue(Oracle.callLong(sizeOf, d) > emptySize, "presizing for " + n + " allocates a table");
                }
            }
            long d = owned.add(PY._PyDict_NewPresized(1000));
            for (int i = 0; i < 1000; i++) {
                long k = PY.PyLong_FromLongLong(i * 7L);
                String text = "v" + i;
                long v = Live.withCString(text, p -> PY.PyUnicode_FromStringAndSize(p, text.length()));
                assertEquals(0, PY.PyDict_SetItem(d, k, v));
                PY.Py_DecRef(k);
                PY.Py_DecRef(v);
            }
            assertTrue(pyTrue(same, d, owned.eval("{i * 7: 'v' + str(i) for i in range(1000)}")));
        }
    }

    // --- PyErr_SetObject, PyException_SetCause ---------------------------------------------------------------

    /** Fetches and normalizes the pending exception: a new reference to its value (the error is cleared). */
    private static long fetchValue() {
        long slots = Oracle.calloc(24);
        try {
            PY.PyErr_Fetch(slots, slots + 8, slots + 16);
            PY.PyErr_NormalizeException(slots, slots + 8, slots + 16);
            PY.Py_DecRef(Live.MEM.getLong(slots));
            PY.Py_DecRef(Live.MEM.getLong(slots + 16));
            return Live.MEM.getLong(slots + 8);
        } finally {
            Oracle.free(slots);
        }
    }

    @Test
    void anExceptionRaisedWithACauseShowsItAsDunderCauseInPython() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long describe = owned.add(Oracle.function("lambda e: repr((type(e).__name__, str(e), type(e.__cause__).__name__,"
                    + " str(e.__cause__), e.__suppress_context__))"));
            long valueError = Oracle.exceptionType("ValueError");
            long error = owned.eval("ValueError('outer')");
            long cause = owned.eval("KeyError('inner')");
            long errorRefs = Live.refcount(error);
            long causeRefs = Live.refcount(cause);

            PY.Py_IncRef(cause); // PyException_SetCause steals one reference
            PY.PyException_SetCause(error, cause);
            assertEquals(causeRefs + 1, Live.refcount(cause), "the exception holds the stolen reference");
            PY.PyErr_SetObject(valueError, error);

            long raised = fetchValue(); // the reference the error state held (no Python code runs while it is set)
            assertEquals(0L, PY.PyErr_Occurred());
            assertEquals(error, raised, "the instance itself is raised");
            assertEquals(errorRefs + 1, Live.refcount(error), "PyErr_SetObject took one reference of its own");
            assertEquals("('ValueError', 'outer', 'KeyError', \"'inner'\", True)", Oracle.callText(describe, raised));
            PY.Py_DecRef(raised);
            assertEquals(errorRefs, Live.refcount(error));

            PY.PyException_SetCause(error, 0); // no cause: __cause__ is None, the old one is released
            assertEquals(causeRefs, Live.refcount(cause));
            assertEquals("('ValueError', 'outer', 'NoneType', 'None', True)", Oracle.callText(describe, error));
        }
    }

    @Test
    void pyErrSetObjectWithAPlainValueLetsPythonBuildTheInstance() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long describe = owned.add(Oracle.function("lambda e: repr((type(e).__name__, e.args))"));
            long keyError = Oracle.exceptionType("KeyError");
            long key = owned.eval("'missing-key'");
            long refs = Live.refcount(key);
            PY.PyErr_SetObject(keyError, key);
            long raised = fetchValue();
            assertEquals("('KeyError', ('missing-key',))", Oracle.callText(describe, raised));
            PY.Py_DecRef(raised);
            assertEquals(refs, Live.refcount(key), "the value is not stolen, and the exception is gone");
            PY.PyErr_SetObject(keyError, 0);
            long bare = owned.add(fetchValue());
            assertEquals("('KeyError', ())", Oracle.callText(describe, bare));
            assertEquals(0L, PY.PyErr_Occurred());
        }
    }

    // --- PyCapsule_Import ------------------------------------------------------------------------------------

    @Test
    void theDatetimeCapsuleIsTheCApiStructOfTheDatetimeModule() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long capi = Live.withCString("datetime.datetime_CAPI", p -> PY.PyCapsule_Import(p, 0));
            assertNotEquals(0L, capi, () -> Live.INTERPRETER.error("PyCapsule_Import").getMessage());
            assertEquals(capi, Live.withCString("datetime.datetime_CAPI", p -> PY.PyCapsule_Import(p, 1)),
                    "the same struct every time");
            // PyDateTime_CAPI starts with DateType, DateTimeType, TimeType, DeltaType, TZInfoType, TimeZone_UTC
            List<String> fields = List.of("date", "datetime", "time", "timedelta", "tzinfo", "timezone.utc");
            for (int i = 0; i < fields.size(); i++) {
                assertEquals(Oracle.evalLong("id(__import__('datetime')." + fields.get(i) + ")"),
                        Live.MEM.getLong(capi + 8L * i), "PyDateTime_CAPI field " + i + ": datetime." + fields.get(i));
            }
            // the capsule object in the module is the one PyCapsule_Import read
            assertTrue(Oracle.evalText("repr(__import__('datetime').datetime_CAPI)")
                    .startsWith("<capsule object \"datetime.datetime_CAPI\""));
        }
    }

    @Test
    void aMissingCapsuleFailsWithAnImportOrAttributeError() {
        try (var g = Live.gil()) {
            for (String[] c : new String[][] {{"no_such_module_xyz.CAPI", "ModuleNotFoundError|ImportError"},
                    {"datetime.no_such_capi", "AttributeError"}, {"datetime.datetime", "AttributeError"}}) {
                assertEquals(0L, Live.withCString(c[0], p -> PY.PyCapsule_Import(p, 0)), c[0]);
                PythonException e = Live.INTERPRETER.error("PyCapsule_Import");
                assertTrue(List.of(c[1].split("\\|")).contains(e.pythonType()), c[0] + ": " + e.getMessage());
                assertEquals(0L, PY.PyErr_Occurred());
            }
        }
    }

    // --- Py_EnterRecursiveCall / Py_LeaveRecursiveCall -------------------------------------------------------

    @Test
    void recursiveCallsRaiseRecursionErrorAtTheLimitAndLeaveBalanced() {
        long where = CStrings.allocate(PY, " in a serpentine codec");
        try (var g = Live.gil()) {
            int minor = Oracle.minor();
            int entered = 0;
            int result = 0;
            // 3.9–3.13 count calls; 3.14 measures the C stack, which nested calls from one Java frame do not grow
            int bound = 1_000_000;
            try {
                while (entered < bound && (result = PY.Py_EnterRecursiveCall(where)) == 0) entered++;
            } finally {
                // leave first: at the limit even formatting the error would hit it again
                for (int i = 0; i < entered; i++) PY.Py_LeaveRecursiveCall();
            }
            if (minor <= 13) {
                assertNotEquals(0, result, "no RecursionError after " + entered + " nested calls");
                PythonException e = Live.INTERPRETER.error("Py_EnterRecursiveCall");
                assertEquals("RecursionError", e.pythonType());
                assertEquals("maximum recursion depth exceeded in a serpentine codec", e.pythonMessage());
                assertTrue(entered >= 900, "limit reached after only " + entered + " calls");
            } else {
                assertEquals(bound, entered);
                assertEquals(0L, PY.PyErr_Occurred());
            }
            // balanced again: Python recursion works to its usual depth, and one more enter succeeds
            assertEquals(400, Oracle.evalLong("(lambda f: f(f, 400))(lambda f, n: n and 1 + f(f, n - 1))"));
            assertEquals(0, PY.Py_EnterRecursiveCall(where));
            PY.Py_LeaveRecursiveCall();
            assertEquals(0L, PY.PyErr_Occurred());
        } finally {
            CStrings.free(PY, where);
        }
    }
}
