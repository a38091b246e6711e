package dev.serpentine.bridge;

import dev.serpentine.ffi.PythonException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Input at the edges of what a C string, a formatted error or a machine integer carries: text with NUL or lone
 * surrogates gets Python's own verdict, a broken traceback formatter leaves no error behind, and ints of any size
 * convert exactly in linear time. The oracle is CPython doing the same thing itself.
 */
class BoundaryInputTest {

    private static final PythonRuntime RT = Bridge.RUNTIME;

    /** What Python says when it runs {@code action} (Python source for a zero-argument lambda's body). */
    private static String verdict(Python python, String action) {
        python.exec("def _verdict(f):\n"
                + "    try:\n"
                + "        return 'ok: ' + repr(f())\n"
                + "    except BaseException as e:\n"
                + "        return type(e).__name__ + ': ' + str(e)\n");
        try (PyRef r = python.eval("_verdict(lambda: " + action + ")")) {
            return (String) python.toJava(r);
        }
    }

    private static String thrown(Runnable action) {
        PythonException e = assertThrows(PythonException.class, action::run);
        return e.pythonType() + ": " + e.pythonMessage();
    }

    @Test
    void sourceWithNulOrLoneSurrogatesGetsPythonsOwnError() {
        RT.call(python -> {
            assertEquals(verdict(python, "eval('1\\x00+1')"), thrown(() -> python.eval("1\0+1")));
            python.exec("x = 0");
            assertEquals(verdict(python, "exec('x=1\\x00x=2')"), thrown(() -> python.exec("x=1\0x=2")));
            try (PyRef x = python.eval("x")) {
                assertEquals(0L, python.toJava(x), "nothing of the refused code ran");
            }
            assertEquals(verdict(python, "eval(\"'\\ud800'\")"), thrown(() -> python.eval("'\ud800'")));
            assertEquals(verdict(python, "exec(\"y = '\\udc80'\")"), thrown(() -> python.exec("y = '\udc80'")));
            try (PyRef ok = python.eval("'\ud83d\ude00'")) { // a surrogate pair is a code point, not refused
                assertEquals("\ud83d\ude00", python.toJava(ok));
            }
            return null;
        });
        assertEquals(2L, Bridge.eval("1+1"), "no error left pending");
    }

    @Test
    void namesWithNulOrLoneSurrogatesAreNamesLikeInPython() {
        RT.call(python -> {
            assertEquals(verdict(python, "__import__('json\\x00junk')"), thrown(() -> python.importModule("json\0junk")));
            assertEquals(verdict(python, "__import__('json\\ud800')"), thrown(() -> python.importModule("json\ud800")));
            try (PyRef one = python.eval("1")) {
                assertEquals(verdict(python, "getattr(1, 'real\\x00junk')"), thrown(() -> python.getAttr(one, "real\0junk")));
                assertEquals(verdict(python, "getattr(1, 'real\\udc80')"), thrown(() -> python.getAttr(one, "real\udc80")));
            }
            python.exec("class Box: pass\nbox = Box()");
            try (PyRef box = python.eval("box")) {
                python.setAttr(box, "a\0b", 5L);
                python.setAttr(box, "c\ud800", 6L);
                try (PyRef a = python.getAttr(box, "a\0b"); PyRef c = python.getAttr(box, "c\ud800");
                     PyRef keys = python.eval("sorted(vars(box)) == ['a\\x00b', 'c\\ud800']")) {
                    assertEquals(5L, python.toJava(a));
                    assertEquals(6L, python.toJava(c));
                    assertEquals(Boolean.TRUE, python.toJava(keys), "set under the exact name, not a truncated one");
                }
                assertEquals(verdict(python, "box.a"), thrown(() -> python.getAttr(box, "a")));
            }
            return null;
        });
    }

    @Test
    void aTracebackFormatterThatFailsLeavesNoErrorPending() {
        for (String replacement : List.of("lambda *a, **k: 'not a list'", "lambda *a, **k: [1, 2]",
                "lambda *a, **k: 1 / 0", "lambda *a, **k: ('a tuple',)")) {
            RT.call(python -> {
                python.exec("import traceback\n_saved_format = traceback.format_exception\n"
                        + "traceback.format_exception = " + replacement);
                try {
                    PythonException e = assertThrows(PythonException.class, () -> python.eval("1 / 0"));
                    assertEquals("ZeroDivisionError", e.pythonType(), replacement);
                    try (PyRef two = python.eval("1+1")) {
                        assertEquals(2L, python.toJava(two), replacement);
                    }
                } finally {
                    python.exec("traceback.format_exception = _saved_format");
                }
                return null;
            });
            assertEquals(2L, Bridge.eval("1+1"), replacement);
        }
    }

    @Test
    void hugeIntsConvertExactlyBothWays() {
        BigInteger huge = BigInteger.ONE.shiftLeft(10_000_000);
        RT.call(python -> {
            try (PyRef p = python.eval("2**(10**7)"); PyRef n = python.eval("-(2**(10**7)) + 12345")) {
                assertEquals(huge, python.toJava(p));
                assertEquals(huge.negate().add(BigInteger.valueOf(12345)), python.toJava(n));
            }
            try (PyRef back = python.toPython(huge.negate().subtract(BigInteger.ONE));
                 PyRef same = python.eval("-(2**(10**7)) - 1")) {
                assertEquals(Boolean.TRUE, compare(python, back, same));
            }
            return null;
        });
    }

    private static Object compare(Python python, PyRef a, PyRef b) {
        try (PyRef eq = python.eval("lambda a, b: type(a) is int and a == b"); PyRef r = python.call(eq, a, b)) {
            return python.toJava(r);
        }
    }

    @Test
    void intsOfEverySizeMatchTheirHexInPython() {
        Random random = new Random(8);
        RT.call(python -> {
            for (int bits : new int[]{62, 63, 64, 65, 90, 91, 127, 128, 129, 1000, 4096, 33333}) {
                for (int sign : new int[]{1, -1}) {
                    BigInteger v = new BigInteger(bits, random).setBit(bits - 1);
                    if (sign < 0) v = v.negate();
                    try (PyRef fromHex = python.eval("int('" + v.toString(16) + "', 16)"); PyRef mine = python.toPython(v)) {
                        Object back = python.toJava(fromHex);
                        assertEquals(v, back instanceof Long l ? BigInteger.valueOf(l) : back, bits + " bits");
                        assertEquals(Boolean.TRUE, compare(python, mine, fromHex), bits + " bits");
                    }
                }
            }
            return null;
        });
    }

    /** str() of a huge int is Python's conversion, with Python's digit limit (3.11+ and the 3.9/3.10 backports). */
    @Test
    void strOfAHugeIntAppliesPythonsDigitLimit() {
        RT.call(python -> {
            String expected = verdict(python, "str(2**(10**5))");
            try (PyRef big = python.eval("2**(10**5)")) {
                String actual;
                try {
                    actual = "ok: '" + python.str(big) + "'"; // repr of a str of digits
                } catch (PythonException e) {
                    actual = e.pythonType() + ": " + e.pythonMessage();
                }
                assertEquals(expected, actual);
            }
            return null;
        });
    }
}
