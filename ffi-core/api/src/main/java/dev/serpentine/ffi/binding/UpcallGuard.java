package dev.serpentine.ffi.binding;

/**
 * The last line of defence at an upcall boundary, used by the backends around every {@link PyCFunctionTarget}:
 * a Java throwable that escaped the target becomes a Python {@code SystemError} and the C caller gets NULL.
 */
public final class UpcallGuard {

    private UpcallGuard() {
    }

    /** Sets {@code SystemError(<throwable>)} (unless an error is already set) and returns 0; never throws. */
    public static long raise(CPythonBinding py, Throwable escaped) {
        try {
            if (py.PyErr_Occurred() != 0) return 0;
            long type = py.memory().getLong(py.symbol("PyExc_SystemError"));
            long message = CStrings.allocateEscaped(py, "Java exception escaped a Serpentine upcall: " + escaped);
            try {
                py.PyErr_SetString(type, message);
            } finally {
                CStrings.free(py, message);
            }
        } catch (Throwable ignored) {
            // Nothing more can be done without risking an unwind through C frames.
        }
        return 0;
    }
}
