package dev.serpentine.ffi.jna;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Pointer;
import dev.serpentine.ffi.binding.PyCFunctionFastTarget;
import dev.serpentine.ffi.binding.PyCFunctionOTarget;
import dev.serpentine.ffi.binding.PyCFunctionTarget;
import dev.serpentine.ffi.binding.UpcallGuard;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Upcall stubs for {@code PyCFunctionWithKeywords}, {@code METH_FASTCALL | METH_KEYWORDS} and {@code METH_O}
 * functions as JNA callbacks, kept reachable for the life of the process.
 */
final class Upcalls {

    /** The C signature {@code PyObject *(*)(PyObject *, PyObject *, PyObject *)}. */
    public interface PyCFunctionWithKeywords extends Callback {
        long invoke(long self, long args, long kwargs);
    }

    /** The C signature {@code PyObject *(*)(PyObject *, PyObject *const *, Py_ssize_t, PyObject *)}. */
    public interface PyCFunctionFastWithKeywords extends Callback {
        long invoke(long self, long args, long nargs, long kwnames);
    }

    /** The C signature {@code PyObject *(*)(PyObject *, PyObject *)} of a {@code METH_O} function. */
    public interface PyCFunctionO extends Callback {
        long invoke(long self, long arg);
    }

    private static final List<Callback> STUBS = new CopyOnWriteArrayList<>();

    private Upcalls() {
    }

    static long stub(PyCFunctionTarget target) {
        return keep(new PyCFunctionWithKeywords() {
            @Override
            public long invoke(long self, long args, long kwargs) {
                try {
                    return target.call(self, args, kwargs);
                } catch (Throwable t) {
                    return raise(t);
                }
            }
        });
    }

    static long stubFastcall(PyCFunctionFastTarget target) {
        return keep(new PyCFunctionFastWithKeywords() {
            @Override
            public long invoke(long self, long args, long nargs, long kwnames) {
                try {
                    return target.call(self, args, nargs, kwnames);
                } catch (Throwable t) {
                    return raise(t);
                }
            }
        });
    }

    static long stubO(PyCFunctionOTarget target) {
        return keep(new PyCFunctionO() {
            @Override
            public long invoke(long self, long arg) {
                try {
                    return target.call(self, arg);
                } catch (Throwable t) {
                    return raise(t);
                }
            }
        });
    }

    private static long keep(Callback callback) {
        STUBS.add(callback); // a collected callback would leave Python calling freed code
        return Pointer.nativeValue(CallbackReference.getFunctionPointer(callback));
    }

    /**
     * The target's throwable as a Python error. Raising it can itself overflow a stack the target left nearly
     * full: then the C caller gets NULL with no error set (a SystemError), never an exception out of the stub.
     */
    private static long raise(Throwable t) {
        try {
            return UpcallGuard.raise(JnaBinding.INSTANCE, t);
        } catch (Throwable again) {
            return 0;
        }
    }
}
