package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.CStrings;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Strings that a C string would change are refused (or escaped, for messages), in CPython's words for the same case;
 * {@code runPinned} runs its action on this thread and hands back what it throws; an error whose traceback formatter
 * fails leaves nothing pending.
 */
class CStringsAndPinningTest {

    /** What {@code PyUnicode_AsUTF8} says about {@code s}, made in Python from the code points (GIL held). */
    private static String pythonVerdict(String pythonLiteral) {
        Live.exec("def _c_verdict(s):\n"
                + "    try:\n"
                + "        s.encode('utf-8')\n"
                + "        return 'embedded null character' if '\\0' in s else None\n"
                + "    except UnicodeEncodeError as e:\n"
                + "        return str(e)\n");
        long r = Live.eval("_c_verdict(" + pythonLiteral + ")");
        try {
            return r == Live.VIEWS.types().none ? null : Live.INTERPRETER.utf8(r);
        } finally {
            Live.PY.Py_DecRef(r);
        }
    }

    @Test
    void textACStringWouldChangeIsRefusedInPythonsWords() {
        try (Live.Gil g = Live.gil()) {
            String[][] cases = {{"a\0b", "'a\\x00b'"}, {"x\ud800y", "'x\\ud800y'"}, {"\udc80", "'\\udc80'"},
                    {"ok\ud83d\ude00", "'ok\\U0001f600'"}, {"plain", "'plain'"}};
            for (String[] c : cases) {
                String expected = pythonVerdict(c[1]);
                assertEquals(expected == null, CStrings.isExact(c[0]), c[1]);
                if (expected == null) {
                    long p = CStrings.allocate(Live.PY, c[0]);
                    assertEquals(c[0], CStrings.read(Live.MEM, p));
                    CStrings.free(Live.PY, p);
                } else {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> CStrings.allocate(Live.PY, c[0]));
                    assertEquals(expected, e.getMessage(), c[1]);
                }
            }
        }
        long p = CStrings.allocateEscaped(Live.PY, "a\0b\ud800c\ud83d\ude00");
        try {
            assertEquals("a\\x00b\\ud800c\ud83d\ude00", CStrings.read(Live.MEM, p));
        } finally {
            CStrings.free(Live.PY, p);
        }
    }

    @Test
    void runPinnedRunsOnThisThreadNestsAndRethrows() {
        Thread me = Thread.currentThread();
        List<String> seen = new ArrayList<>();
        Live.PY.runPinned(() -> {
            seen.add("outer " + (Thread.currentThread() == me));
            Live.PY.runPinned(() -> seen.add("inner " + (Thread.currentThread() == me)));
            IllegalStateException inner = assertThrows(IllegalStateException.class,
                    () -> Live.PY.runPinned(() -> {
                        throw new IllegalStateException("inner");
                    }));
            seen.add(inner.getMessage());
        });
        assertEquals(List.of("outer true", "inner true", "inner"), seen);
        AssertionError error = new AssertionError("an Error");
        assertSame(error, assertThrows(AssertionError.class, () -> Live.PY.runPinned(() -> {
            throw error;
        })));
    }

    @Test
    void aTracebackFormatterReturningNoListLeavesNoErrorPending() {
        try (Live.Gil g = Live.gil()) {
            Live.exec("import traceback\n_fmt = traceback.format_exception\n"
                    + "traceback.format_exception = lambda *a, **k: 'no list'");
            try {
                PythonException e = assertThrows(PythonException.class, () -> Live.exec("def f():\n    1/0\nf()"));
                assertEquals("ZeroDivisionError", e.pythonType());
                assertEquals(0, Live.PY.PyErr_Occurred(), "nothing pending after the error was described");
            } finally {
                Live.exec("traceback.format_exception = _fmt");
            }
        }
    }

    @Test
    void aHugeIntIsReadExactly() {
        try (Live.Gil g = Live.gil()) {
            for (String expression : List.of("2**(10**6)", "-(2**(10**6)) + 7", "(1 << 90) - 1", "-(1 << 64)")) {
                long o = Live.eval(expression);
                long hex = Live.eval("format(" + expression + ", 'x')");
                try {
                    assertEquals(new BigInteger(Live.INTERPRETER.utf8(hex), 16), Live.VIEWS.integer().bigValue(o), expression);
                    assertFalse(Live.VIEWS.integer().fitsInLong(o));
                } finally {
                    Live.PY.Py_DecRef(hex);
                    Live.PY.Py_DecRef(o);
                }
            }
        }
    }
}
