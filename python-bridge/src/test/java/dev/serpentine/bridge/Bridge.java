package dev.serpentine.bridge;

import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.bridge.platform.RuntimeInterpreter;

/**
 * The runtime of this test JVM: {@code -Dserpentine.test.python} through {@code -Dserpentine.backend}, one
 * interpreter per JVM (the build runs the tests once per interpreter and backend).
 */
public final class Bridge {

    public static final PythonRuntime RUNTIME = PythonRuntime.builder()
            .interpreter(System.getProperty("serpentine.test.python", ""))
            .backend(System.getProperty("serpentine.backend", ""))
            .start();

    static {
        System.out.println("python-bridge tests: " + RUNTIME + " on Java " + Runtime.version());
        RUNTIME.call(python -> {
            python.exec("def _outcome(f):\n"
                    + "    try:\n"
                    + "        r = f()\n"
                    + "    except BaseException as e:\n"
                    + "        return type(e).__name__ + '|' + str(e)\n"
                    + "    return 'ok|' + repr(r)\n");
            return null;
        });
    }

    private Bridge() {
    }

    /** The raw binding, to check what the bridge does against CPython's own answers. */
    public static CPythonBinding binding() {
        return RuntimeInterpreter.of(RUNTIME).binding();
    }

    /** {@code sys.getrefcount(o)} minus the reference the call itself adds. */
    public static long refcount(Python python, PyRef o) {
        try (PyRef sys = python.importModule("sys"); PyRef getrefcount = python.getAttr(sys, "getrefcount");
             PyRef n = python.call(getrefcount, o)) {
            return (Long) python.toJava(n) - 1;
        }
    }

    /** Runs {@code call} (an expression) in Python: "Type|message" of what it raised, or "ok|repr(result)". */
    public static String outcome(String call) {
        return (String) eval("_outcome(lambda: " + call + ")");
    }

    public static Object eval(String expression) {
        return RUNTIME.call(python -> {
            try (PyRef r = python.eval(expression)) {
                return python.toJava(r);
            }
        });
    }
}
