package dev.serpentine.ffi.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/** Binding libpython's functions as downcall handles, for the generated {@link FfmCApi} and hand-written calls. */
final class Downcalls {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option[] CRITICAL = {Linker.Option.critical(false)};
    private static final Linker.Option[] PLAIN = {};

    private Downcalls() {
    }

    /** A handle on libpython's {@code name}; {@code critical} only for leaf calls (see {@code CFunction.critical}). */
    static MethodHandle bind(String name, FunctionDescriptor descriptor, boolean critical) {
        return LINKER.downcallHandle(Libraries.function(name), descriptor, critical ? CRITICAL : PLAIN);
    }

    /** What {@code invokeExact} threw, unchecked ({@code invokeExact} declares {@code Throwable}). */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
