package dev.serpentine.bridge;

import dev.serpentine.ffi.PythonException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Python exceptions in Java: qualified type, message, traceback; the interpreter is clean afterwards. */
class ErrorsTest {

    private static final PythonRuntime RT = Bridge.RUNTIME;

    private static PythonException failing(GilTask<?> task) {
        long live = RT.liveHandles();
        PythonException e = assertThrows(PythonException.class, () -> RT.call(task));
        assertEquals(live, RT.liveHandles(), "a failing operation leaked a handle");
        assertEquals(0L, (long) RT.call(python -> Bridge.binding().PyErr_Occurred()), "no error left pending");
        return e;
    }

    @Test
    void aQualifiedTypeMessageAndTracebackThatNamesTheFailingLine() {
        PythonException e = failing(python -> {
            python.exec("import json\n"
                    + "def _parse(text):\n"
                    + "    return json.loads(text)\n"
                    + "_parse('{')\n");
            return null;
        });
        assertEquals("json.decoder.JSONDecodeError", e.pythonType());
        assertEquals("Expecting property name enclosed in double quotes: line 1 column 2 (char 1)", e.pythonMessage());
        assertEquals(e.pythonType() + ": " + e.pythonMessage(), e.getMessage());
        String tb = e.traceback();
        assertTrue(tb.startsWith("Traceback (most recent call last):"), tb);
        assertTrue(tb.contains("File \"<string>\", line 4, in <module>"), tb);
        assertTrue(tb.contains("File \"<string>\", line 3, in _parse"), tb);
        assertTrue(tb.contains("json.decoder.JSONDecodeError: Expecting property name"), tb);
    }

    @Test
    void exceptionsOfEveryOperation() {
        PythonException e = failing(python -> python.importModule("no_such_module_for_serpentine"));
        assertEquals("ModuleNotFoundError", e.pythonType());
        assertEquals("No module named 'no_such_module_for_serpentine'", e.pythonMessage());

        e = failing(python -> {
            try (PyRef sys = python.importModule("sys")) {
                return python.getAttr(sys, "no_such_attribute");
            }
        });
        assertEquals("AttributeError", e.pythonType());
        assertEquals("module 'sys' has no attribute 'no_such_attribute'", e.pythonMessage());

        e = failing(python -> {
            try (PyRef len = python.eval("len")) {
                return python.call(len, 1, 2);
            }
        });
        assertEquals("TypeError", e.pythonType());
        assertEquals("len() takes exactly one argument (2 given)", e.pythonMessage());

        e = failing(python -> {
            try (PyRef f = python.eval("lambda a, *, b: a")) {
                return python.call(f, List.of(1), Map.of("c", 2));
            }
        });
        assertEquals("TypeError", e.pythonType());
        assertTrue(e.pythonMessage().contains("got an unexpected keyword argument 'c'"), e.pythonMessage());

        e = failing(python -> python.eval("1 +"));
        assertEquals("SyntaxError", e.pythonType());

        e = failing(python -> python.eval("1 / 0"));
        assertEquals("ZeroDivisionError", e.pythonType());
        assertTrue(e.traceback().contains("line 1"), e.traceback());

        e = failing(python -> {
            try (PyRef o = python.eval("object()")) {
                python.setAttr(o, "x", 1);
                return null;
            }
        });
        assertEquals("AttributeError", e.pythonType());

        e = failing(python -> {
            try (PyRef o = python.eval("type('Bad', (), {'__str__': lambda self: 1 / 0, '__repr__': lambda s: [][1]})()")) {
                try {
                    python.str(o);
                } catch (PythonException first) {
                    assertEquals("ZeroDivisionError", first.pythonType());
                }
                return python.repr(o);
            }
        });
        assertEquals("IndexError", e.pythonType());

        e = failing(python -> {
            python.exec("class _AppError(Exception):\n    pass\nraise _AppError('caf\\xe9 \\U0001F600')");
            return null;
        });
        assertEquals("__main__._AppError", e.pythonType());
        assertEquals("caf\u00e9 \uD83D\uDE00", e.pythonMessage());

        assertEquals(2L, Bridge.eval("1 + 1"), "the interpreter works after all that");
    }

    /**
     * The exception of a failed call reaches Java as it was raised, even when looking at the callable's type runs
     * Python code (a metaclass with {@code __getattribute__}): no C-API call runs while the error is pending.
     */
    @Test
    void aFailedCallReportsItsOwnException() {
        PythonException e = failing(python -> {
            python.exec("class _Meta(type):\n"
                    + "    def __getattribute__(cls, name):\n"
                    + "        return type.__getattribute__(cls, name)\n"
                    + "class _Callable(metaclass=_Meta):\n"
                    + "    def __call__(self, x):\n"
                    + "        raise ValueError('bad value %r' % (x,))\n");
            try (PyRef c = python.eval("_Callable()")) {
                return python.call(c, 7);
            }
        });
        assertEquals("ValueError", e.pythonType(), e.getMessage() + "\n" + e.traceback());
        assertEquals("bad value 7", e.pythonMessage());
        assertTrue(e.traceback().contains("in __call__"), e.traceback());
    }

    /** A message with a lone surrogate (a file name with an undecodable byte) arrives intact, as does its traceback. */
    @Test
    void messagesWithLoneSurrogatesArriveIntact() {
        PythonException e = failing(python -> {
            python.exec("import os\n"
                    + "def _open(name):\n"
                    + "    raise ValueError('cannot read ' + name)\n"
                    + "_open(os.fsdecode(b'data-\\xff.json'))\n");
            return null;
        });
        assertEquals("ValueError", e.pythonType());
        assertEquals("cannot read data-\uDCFF.json", e.pythonMessage());
        assertTrue(e.traceback().contains("line 3, in _open"), e.traceback());
        assertTrue(e.traceback().contains("ValueError: cannot read data-\uDCFF.json"), e.traceback());
    }

    @Test
    void aFailedCallDropsItsArguments() {
        RT.call(python -> {
            try (PyRef target = python.eval("type('T', (), {})()"); PyRef f = python.eval("lambda *a, **k: 1 / 0")) {
                long base = Bridge.refcount(python, target);
                for (int i = 0; i < 100; i++) {
                    assertThrows(PythonException.class, () -> python.call(f, List.of(target, "x"), Map.of("k", target)));
                }
                assertEquals(base, Bridge.refcount(python, target));
            }
            return null;
        });
    }
}
