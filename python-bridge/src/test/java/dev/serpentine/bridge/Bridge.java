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

    public static Object eval(String expression) {
        return RUNTIME.call(python -> {
            try (PyRef r = python.eval(expression)) {
                return python.toJava(r);
            }
        });
    }
}
