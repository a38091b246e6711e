package dev.serpentine.bridge.internal;

import dev.serpentine.ffi.InterpreterUnavailableException;

/**
 * The runtime attached to the interpreter now. The {@code serpentine} module is installed once per process, so its
 * functions find the runtime here rather than keeping the one that installed them.
 */
final class ActiveRuntime {

    private static volatile CPythonRuntime current;

    private ActiveRuntime() {
    }

    static void set(CPythonRuntime runtime) {
        current = runtime;
    }

    static synchronized void clear(CPythonRuntime runtime) {
        if (current == runtime) current = null;
    }

    /** The runtime attached now, or null. */
    static CPythonRuntime current() {
        return current;
    }

    static CPythonRuntime get() {
        CPythonRuntime r = current;
        if (r == null) throw new InterpreterUnavailableException("no Serpentine runtime is attached to the interpreter");
        return r;
    }
}
