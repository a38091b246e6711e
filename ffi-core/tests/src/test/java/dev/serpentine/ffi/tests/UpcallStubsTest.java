package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.binding.CStrings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@code METH_FASTCALL | METH_KEYWORDS} and {@code METH_O} upcall stubs, called by CPython as builtin functions
 * made from a raw {@code PyMethodDef}: the arguments arrive as CPython lays them out (positional values, then one per
 * keyword name), a throw becomes {@code SystemError}; and {@code PyErr_SetObject} + {@code PyException_SetCause}
 * raise an exception whose {@code __cause__} Python sees.
 */
class UpcallStubsTest {

    private static final int METH_O = 0x8;
    private static final int METH_FASTCALL_KEYWORDS = 0x80 | 0x2;

    /** A builtin function {@code name} with the given stub and flags (definition and strings live for the JVM). */
    private static long builtin(String name, long stub, int flags) {
        long def = Oracle.calloc(32);
        Live.MEM.putLong(def, CStrings.allocate(PY, name));
        Live.MEM.putLong(def + 8, stub);
        Live.MEM.putInt(def + 16, flags);
        long f = PY.PyCFunction_NewEx(def, 0, 0);
        if (f == 0) throw Live.INTERPRETER.error("PyCFunction_NewEx");
        return f;
    }

    private static long fastEcho;
    private static long oneArgRepr;
    private static long throwing;
    private static long raisingWithCause;

    @BeforeAll
    static void define() {
        try (var g = Live.gil()) {
            // returns repr([nargs, [positional…], [(keyword, value)…]])
            fastEcho = builtin("fast_echo", PY.upcallStubFastcall((self, args, nargs, kwnames) -> {
                List<String> positional = new ArrayList<>();
                for (int i = 0; i < nargs; i++) positional.add(Live.repr(Live.MEM.getLong(args + 8L * i)));
                List<String> keywords = new ArrayList<>();
                long nk = kwnames == 0 ? 0 : PY.PyTuple_Size(kwnames);
                for (int j = 0; j < nk; j++) {
                    keywords.add("(" + Live.repr(PY.PyTuple_GetItem(kwnames, j)) + ", "
                            + Live.repr(Live.MEM.getLong(args + 8L * (nargs + j))) + ")");
                }
                String text = "[" + nargs + ", " + positional + ", " + keywords + "]";
                return Live.withCString(text, c -> PY.PyUnicode_FromStringAndSize(c, text.length()));
            }), METH_FASTCALL_KEYWORDS);
            oneArgRepr = builtin("one_arg", PY.upcallStubO((self, arg) -> PY.PyObject_Repr(arg)), METH_O);
            throwing = builtin("throwing", PY.upcallStubO((self, arg) -> {
                throw new IllegalStateException("thrown in Java");
            }), METH_O);
            // raises RuntimeError('outer') from the exception f() raised
            raisingWithCause = builtin("with_cause", PY.upcallStubO((self, f) -> {
                long r = PY.PyObject_CallObject(f, 0);
                if (r != 0) return r;
                long slots = Oracle.calloc(24);
                try {
                    PY.PyErr_Fetch(slots, slots + 8, slots + 16);
                    PY.PyErr_NormalizeException(slots, slots + 8, slots + 16);
                    Oracle.decref(Live.MEM.getLong(slots), Live.MEM.getLong(slots + 16));
                    long cause = Live.MEM.getLong(slots + 8);
                    long outer = Live.eval("RuntimeError('outer')");
                    PY.PyException_SetCause(outer, cause); // steals cause
                    PY.PyErr_SetObject(Oracle.exceptionType("RuntimeError"), outer);
                    PY.Py_DecRef(outer);
                    return 0;
                } finally {
                    Oracle.free(slots);
                }
            }), METH_O);
            Live.exec("def _us_outcome(f):\n"
                    + "    try:\n"
                    + "        return 'ok|' + str(f())\n"
                    + "    except BaseException as e:\n"
                    + "        c = e.__cause__\n"
                    + "        return type(e).__name__ + '|' + str(e) + ('' if c is None else '|' + repr(c)"
                    + " + '|' + str(e.__suppress_context__))\n");
        }
    }

    private static String outcome(long function, String call) {
        try (var g = Live.gil()) {
            long run = Live.eval("lambda fn: _us_outcome(lambda: " + call + ")");
            try {
                return Oracle.callText(run, function);
            } finally {
                PY.Py_DecRef(run);
            }
        }
    }

    @Test
    void fastcallArgumentsArriveAsCPythonLaysThemOut() {
        assertEquals("ok|[0, [], []]", outcome(fastEcho, "fn()"));
        assertEquals("ok|[2, [1, 'a'], []]", outcome(fastEcho, "fn(1, 'a')"));
        assertEquals("ok|[1, [1], [('x', 2), ('y', None)]]", outcome(fastEcho, "fn(1, x=2, y=None)"));
        assertEquals("ok|[0, [], [('k', [3])]]", outcome(fastEcho, "fn(**{'k': [3]})"));
        assertEquals("ok|[3, [0, 1, 2], []]", outcome(fastEcho, "fn(*range(3))"));
    }

    @Test
    void oneArgFunctionsAreCheckedByCPython() {
        assertEquals("ok|[1, 2]", outcome(oneArgRepr, "fn([1, 2])"));
        assertEquals("TypeError|one_arg() takes exactly one argument (0 given)", outcome(oneArgRepr, "fn()"));
        assertEquals("TypeError|one_arg() takes no keyword arguments", outcome(oneArgRepr, "fn(x=1)"));
    }

    @Test
    void aThrowIsASystemErrorAndTheInterpreterCarriesOn() {
        assertEquals("SystemError|Java exception escaped a Serpentine upcall: java.lang.IllegalStateException: thrown"
                + " in Java", outcome(throwing, "fn(1)"));
        assertEquals("ok|2", outcome(oneArgRepr, "fn(2)"));
    }

    @Test
    void anExceptionRaisedWithItsCause() {
        assertEquals("RuntimeError|outer|ValueError('inner')|True",
                outcome(raisingWithCause, "fn(lambda: (_ for _ in ()).throw(ValueError('inner')))"));
        assertEquals("ok|5", outcome(raisingWithCause, "fn(lambda: 5)"));
        try (var g = Live.gil()) {
            long inner = Live.eval("ValueError('kept')");
            long f = Live.eval("lambda e: (lambda: (_ for _ in ()).throw(e))");
            long thrower = Oracle.call(f, inner);
            long before = Live.refcount(inner);
            long typeError = Oracle.exceptionType("TypeError");
            long runtimeError = Oracle.exceptionType("RuntimeError");
            for (int i = 0; i < 200; i++) {
                long r = PY.PyObject_CallObject(raisingWithCause, 0);
                assertEquals(0, r); // called without its argument: CPython refuses
                Oracle.takeError(typeError, "no argument");
                long args = PY.PyTuple_New(1);
                PY.Py_IncRef(thrower);
                PY.PyTuple_SetItem(args, 0, thrower);
                assertEquals(0, PY.PyObject_CallObject(raisingWithCause, args));
                PY.Py_DecRef(args);
                Oracle.takeError(runtimeError, "with cause");
            }
            // the traceback the generator throw left on the exception holds no reference to it after the loop
            Live.exec("import gc; gc.collect()");
            assertEquals(before, Live.refcount(inner), "the cause's references before and after");
            Oracle.decref(thrower, f, inner);
        }
    }
}
