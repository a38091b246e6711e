package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.abi.AbiSelector;
import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.GilOwnership;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.RunningInterpreter;
import dev.serpentine.ffi.view.CPythonViews;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The interpreter of this test JVM: the one named by {@code serpentine.test.python} (a Maven Central CPython jar, a
 * home, a libpython or an executable), started through the backend named by {@code serpentine.backend}, with its
 * ABI bundle selected and verified. One interpreter per JVM; the build runs the suite once per interpreter and backend.
 */
final class Live {

    static final CPythonBinding PY;
    static final NativeMemory MEM;
    static final RunningInterpreter INTERPRETER;
    static final List<CPythonAbi> ABIS = new ArrayList<>();
    static final CPythonViews VIEWS;

    static {
        String spec = System.getProperty("serpentine.test.python");
        if (spec == null) throw new IllegalStateException("set -Dserpentine.test.python to an interpreter");
        PY = Backends.select(Live.class.getClassLoader());
        MEM = PY.memory();
        INTERPRETER = RunningInterpreter.start(PY, CPythonInstallation.locate(spec));
        ServiceLoader.load(CPythonAbi.class, Live.class.getClassLoader()).forEach(ABIS::add);
        VIEWS = AbiSelector.bind(INTERPRETER, ABIS);
        System.out.println("ffi-core suite: CPython " + INTERPRETER.version() + " (" + INTERPRETER.flavour() + ") from "
                + INTERPRETER.installation().origin() + ", backend " + PY.backendName() + ", ABI " + VIEWS.abi()
                + ", Java " + Runtime.version());
    }

    private Live() {
    }

    /**
     * Holds the GIL for a test: {@code try (Gil g = Live.gil()) { … }}; marked in {@link GilOwnership} as the bridge
     * marks its tasks (the buffer API checks it), running the releases queued by Cleaners as the bridge does.
     */
    static Gil gil() {
        Gil g = new Gil(PY.PyGILState_Ensure());
        GilOwnership.enter();
        GilOwnership.releaseDeferred();
        return g;
    }

    record Gil(int state) implements AutoCloseable {
        @Override
        public void close() {
            GilOwnership.exit();
            PY.PyGILState_Release(state);
        }
    }

    /** Evaluates an expression: a new reference (GIL held). */
    static long eval(String expression) {
        return INTERPRETER.eval(expression);
    }

    static void exec(String code) {
        INTERPRETER.exec(code);
    }

    /** {@code sys.getrefcount(o)} as CPython reports it (GIL held). */
    static long refcount(long o) {
        long fn = eval("__import__('sys').getrefcount");
        long args = PY.PyTuple_New(1);
        PY.Py_IncRef(o);
        PY.PyTuple_SetItem(args, 0, o);
        long r = PY.PyObject_CallObject(fn, args);
        try {
            if (r == 0) throw INTERPRETER.error("sys.getrefcount");
            return PY.PyLong_AsLongLong(r) - 1; // minus the tuple's reference
        } finally {
            PY.Py_DecRef(r);
            PY.Py_DecRef(args);
            PY.Py_DecRef(fn);
        }
    }

    /** The text of {@code repr(o)}, for messages (GIL held). */
    static String repr(long o) {
        long r = PY.PyObject_Repr(o);
        try {
            return INTERPRETER.utf8(r);
        } finally {
            PY.Py_DecRef(r);
        }
    }

    /** Calls {@code fn(name)} with a temporary C string. */
    static long withCString(String s, java.util.function.LongUnaryOperator fn) {
        long c = CStrings.allocate(PY, s);
        try {
            return fn.applyAsLong(c);
        } finally {
            CStrings.free(PY, c);
        }
    }
}
