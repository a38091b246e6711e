package dev.serpentine.cli;

import dev.serpentine.bridge.PythonRuntime;
import picocli.CommandLine.Option;

/** {@code --python} and {@code --backend}: which CPython to start and through which binding. */
final class InterpreterOptions {

    /** The backends a user can name. */
    enum Backend { ffm, jna }

    @Option(names = "--python", paramLabel = "PATH",
            description = "A python executable, a libpython, a Python home or an org.bytedeco cpython jar"
                    + " (default: -Dserpentine.python, else the embedded CPython).")
    String python;

    @Option(names = "--backend", paramLabel = "ffm|jna",
            description = "The C binding: ffm (java.lang.foreign, Java 22+) or jna (default: the best available).")
    Backend backend;

    /** What the user asked for, for messages. */
    String describe() {
        if (python != null) return python;
        String property = System.getProperty(PythonRuntime.INTERPRETER_PROPERTY, "");
        return property.isBlank() ? "the embedded CPython" : property;
    }

    /**
     * Starts the interpreter (once per process), through python-bridge as every other caller does.
     *
     * @throws dev.serpentine.ffi.SerpentineException when it cannot run, with the reason
     */
    PythonRuntime start() {
        PythonRuntime.Builder builder = PythonRuntime.builder();
        if (python != null) builder.interpreter(python);
        if (backend != null) builder.backend(backend.name());
        return builder.start();
    }
}
