package dev.serpentine.ffi.ffm;

import dev.serpentine.ffi.binding.PyCFunctionFastTarget;
import dev.serpentine.ffi.binding.PyCFunctionOTarget;
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
 * Upcall stubs for {@code PyCFunctionWithKeywords}, {@code METH_FASTCALL | METH_KEYWORDS} and {@code METH_O}
 * functions. An exception escaping an FFM upcall terminates the JVM, so every stub calls its target inside a
 * catch-all that turns any throwable into a Python error.
 */
final class Upcalls {

    private static final FunctionDescriptor VARARGS = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor FASTCALL =
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor ONE_ARG = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle DISPATCH;
    private static final MethodHandle DISPATCH_FASTCALL;
    private static final MethodHandle DISPATCH_O;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            DISPATCH = lookup.findStatic(Upcalls.class, "dispatch",
                    MethodType.methodType(long.class, PyCFunctionTarget.class, long.class, long.class, long.class));
            DISPATCH_FASTCALL = lookup.findStatic(Upcalls.class, "dispatch", MethodType.methodType(long.class,
                    PyCFunctionFastTarget.class, long.class, long.class, long.class, long.class));
            DISPATCH_O = lookup.findStatic(Upcalls.class, "dispatch",
                    MethodType.methodType(long.class, PyCFunctionOTarget.class, long.class, long.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Upcalls() {
    }

    static long stub(PyCFunctionTarget target) {
        return stub(DISPATCH, target, VARARGS);
    }

    static long stubFastcall(PyCFunctionFastTarget target) {
        return stub(DISPATCH_FASTCALL, target, FASTCALL);
    }

    static long stubO(PyCFunctionOTarget target) {
        return stub(DISPATCH_O, target, ONE_ARG);
    }

    private static long stub(MethodHandle dispatch, Object target, FunctionDescriptor signature) {
        MethodHandle bound = MethodHandles.insertArguments(dispatch, 0, target);
        return Linker.nativeLinker().upcallStub(bound, signature, Arena.global()).address();
    }

    private static long dispatch(PyCFunctionTarget target, long self, long args, long kwargs) {
        try {
            return target.call(self, args, kwargs);
        } catch (Throwable t) {
            return raise(t);
        }
    }

    private static long dispatch(PyCFunctionFastTarget target, long self, long args, long nargs, long kwnames) {
        try {
            return target.call(self, args, nargs, kwnames);
        } catch (Throwable t) {
            return raise(t);
        }
    }

    private static long dispatch(PyCFunctionOTarget target, long self, long arg) {
        try {
            return target.call(self, arg);
        } catch (Throwable t) {
            return raise(t);
        }
    }

    /**
     * The target's throwable as a Python error. Raising it can itself overflow a stack the target left nearly
     * full: then the C caller gets NULL with no error set (a SystemError), never an exception out of the stub.
     */
    private static long raise(Throwable t) {
        try {
            return UpcallGuard.raise(FfmBinding.INSTANCE, t);
        } catch (Throwable again) {
            return 0;
        }
    }
}
