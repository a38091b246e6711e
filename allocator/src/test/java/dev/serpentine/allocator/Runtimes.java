package dev.serpentine.allocator;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;

/** The runtime of this test JVM ({@code -Dserpentine.test.python}, {@code -Dserpentine.backend}). */
final class Runtimes {

    static final PythonRuntime RUNTIME = PythonRuntime.builder()
            .interpreter(System.getProperty("serpentine.test.python", ""))
            .backend(System.getProperty("serpentine.backend", ""))
            .start();

    static {
        System.out.println("allocator tests: " + RUNTIME + " on Java " + Runtime.version()
                + (System.getenv("PYTHONMALLOC") == null ? "" : ", PYTHONMALLOC=" + System.getenv("PYTHONMALLOC")));
    }

    private Runtimes() {
    }

    /** Evaluates a Python expression (GIL taken) into a Java value. */
    static Object eval(String expression) {
        return RUNTIME.call(python -> {
            try (PyRef r = python.eval(expression)) {
                return python.toJava(r);
            }
        });
    }

    static void exec(String code) {
        RUNTIME.call(python -> {
            python.exec(code);
            return null;
        });
    }
}
