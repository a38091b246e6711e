package dev.serpentine.deserializer;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;

/**
 * The runtime of this test JVM: {@code -Dserpentine.test.python} through {@code -Dserpentine.backend}, one interpreter
 * per JVM (the build runs the tests once per interpreter and backend). The decoder is found as plain Java finds it:
 * by {@code ServiceLoader}, from this module's {@code META-INF/services}.
 */
final class Interpreter {

    static final PythonRuntime RUNTIME = PythonRuntime.builder()
            .interpreter(System.getProperty("serpentine.test.python", ""))
            .backend(System.getProperty("serpentine.backend", ""))
            .start();

    static {
        System.out.println("deserializer tests: " + RUNTIME + " on Java " + Runtime.version());
        exec("import serpentine, json, sys, gc\n"
                + "def _outcome(f):\n"
                + "    try:\n"
                + "        r = f()\n"
                + "    except BaseException as e:\n"
                + "        return type(e).__name__ + '|' + str(e)\n"
                + "    return 'ok|' + repr(r)\n");
        exec(resource("checks.py"));
    }

    static String resource(String name) {
        try (java.io.InputStream in = Interpreter.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code call} (an expression giving a list of mismatches) and fails listing them unless it is empty. */
    static void noMismatches(String call) {
        String bad = (String) eval("'\\n'.join(" + call + ")");
        if (!bad.isEmpty()) org.junit.jupiter.api.Assertions.fail("mismatches in " + call + ":\n" + bad);
    }

    private Interpreter() {
    }

    static void exec(String code) {
        RUNTIME.call(python -> {
            python.exec(code);
            return null;
        });
    }

    static Object eval(String expression) {
        return RUNTIME.call(python -> {
            try (PyRef r = python.eval(expression)) {
                return python.toJava(r);
            }
        });
    }

    /** "Type|message" of what {@code call} raised, or "ok|repr(result)". */
    static String outcome(String call) {
        return (String) eval("_outcome(lambda: " + call + ")");
    }
}
