package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.ffi.binding.CPythonBinding;

/**
 * The convenient kind of Java-implemented Python function, for the bridge's own functions and tests: the body gets
 * a {@link PythonScope} and one borrowed reference per parameter. That costs a scope and an array per call; the
 * codec SPI's {@link PythonFunction} bodies read their arguments in place instead.
 */
final class NativeFunction {

    /** The function's Java body: arguments are borrowed references (0 when not given); returns a new reference. */
    @FunctionalInterface
    interface Body {
        PyRef call(PythonScope python, long[] args) throws Exception;
    }

    private NativeFunction() {
    }

    /**
     * Adds {@code module.<name>} (GIL held); {@code doc} starts with {@code name(signature)\n--\n\n}. The function
     * lives as long as the process.
     */
    static PythonFunction add(CPythonBinding py, long module, String moduleName, String doc, Signature signature,
                              Body body) {
        Signature reading = signature.reading(py.memory());
        PythonFunction f = PythonFunction.fastcall(py, moduleName, signature.name(), doc, signature,
                (args, nargs, kwnames) -> {
                    long[] parsed = new long[reading.size()];
                    for (int i = 0; i < parsed.length; i++) parsed[i] = reading.get(args, nargs, kwnames, i);
                    PythonScope scope = new PythonScope(ActiveRuntime.get());
                    try {
                        return body.call(scope, parsed).detach();
                    } finally {
                        scope.close();
                    }
                });
        f.setIn(module, signature.name());
        return f;
    }
}
