package dev.serpentine.ffi.jna;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Pointer;
import dev.serpentine.ffi.binding.PyCFunctionTarget;
import dev.serpentine.ffi.binding.UpcallGuard;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Upcall stubs for {@code PyCFunctionWithKeywords} as JNA callbacks, kept reachable for the life of the process. */
final class Upcalls {

    /** The C signature {@code PyObject *(*)(PyObject *, PyObject *, PyObject *)}. */
    public interface PyCFunctionWithKeywords extends Callback {
        long invoke(long self, long args, long kwargs);
    }

    private static final List<PyCFunctionWithKeywords> STUBS = new CopyOnWriteArrayList<>();

    private Upcalls() {
    }

    static long stub(PyCFunctionTarget target) {
        PyCFunctionWithKeywords callback = new PyCFunctionWithKeywords() {
            @Override
            public long invoke(long self, long args, long kwargs) {
                try {
                    return target.call(self, args, kwargs);
                } catch (Throwable t) {
                    return UpcallGuard.raise(JnaBinding.INSTANCE, t);
                }
            }
        };
        STUBS.add(callback); // a collected callback would leave Python calling freed code
        return Pointer.nativeValue(CallbackReference.getFunctionPointer(callback));
    }
}
