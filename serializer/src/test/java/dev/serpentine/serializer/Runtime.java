package dev.serpentine.serializer;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.spi.CodecPlatform;

/**
 * The runtime of this test JVM ({@code -Dserpentine.test.python}, {@code -Dserpentine.backend}; the build runs the
 * tests once per interpreter and backend) with the serializer installed through the codec SPI.
 */
final class Runtime {

    static final PythonRuntime RUNTIME = PythonRuntime.builder()
            .interpreter(System.getProperty("serpentine.test.python", ""))
            .backend(System.getProperty("serpentine.backend", ""))
            .start();
    static final CodecPlatform PLATFORM = CodecPlatform.of(RUNTIME);
    static final SerializerService SERVICE = new SerializerService(PLATFORM);

    static {
        System.out.println("serializer tests: " + RUNTIME + " on Java " + java.lang.Runtime.version());
        PLATFORM.installEncoder(SERVICE);
        SERVICE.prepare(RUNTIME);
    }

    private Runtime() {
    }

    /** Evaluates {@code expression} in {@code __main__} and converts the result to Java. */
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
