package dev.serpentine.bridge.platform;

import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.internal.CPythonRuntime;
import dev.serpentine.ffi.binding.RunningInterpreter;

/**
 * The interpreter behind a {@link PythonRuntime}, for the platform's own modules (the allocator, the buffer
 * protocol): the runtime owns CPython, and whatever needs the interpreter gets it from the runtime it is given.
 */
public final class RuntimeInterpreter {

    private RuntimeInterpreter() {
    }

    /**
     * The interpreter {@code runtime} runs on.
     *
     * @throws IllegalArgumentException when {@code runtime} is not Serpentine's own
     */
    public static RunningInterpreter of(PythonRuntime runtime) {
        if (runtime instanceof CPythonRuntime r) return r.interpreter();
        throw new IllegalArgumentException("not a Serpentine runtime: " + runtime);
    }
}
