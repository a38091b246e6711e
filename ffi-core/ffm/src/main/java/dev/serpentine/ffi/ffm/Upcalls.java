package dev.serpentine.ffi.ffm;

import dev.serpentine.ffi.binding.PyCFunctionTarget;
import dev.serpentine.ffi.binding.UpcallGuard;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Upcall stubs for {@code PyCFunctionWithKeywords}. An exception escaping an FFM upcall terminates the JVM, so every
 * stub calls its target inside a catch-all that turns any throwable into a Python error.
 */
final class Upcalls {

    private static final FunctionDescriptor SIGNATURE = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle DISPATCH;

    static {
        try {
            DISPATCH = MethodHandles.lookup().findStatic(Upcalls.class, "dispatch",
                    MethodType.methodType(long.class, PyCFunctionTarget.class, long.class, long.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Upcalls() {
    }

    static long stub(PyCFunctionTarget target) {
        MethodHandle bound = MethodHandles.insertArguments(DISPATCH, 0, target);
        return Linker.nativeLinker().upcallStub(bound, SIGNATURE, Arena.global()).address();
    }

    private static long dispatch(PyCFunctionTarget target, long self, long args, long kwargs) {
        try {
            return target.call(self, args, kwargs);
        } catch (Throwable t) {
            return UpcallGuard.raise(FfmBinding.INSTANCE, t);
        }
    }
}
