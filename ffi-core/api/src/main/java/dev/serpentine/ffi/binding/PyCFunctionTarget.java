package dev.serpentine.ffi.binding;

/**
 * The Java side of a C function called by Python: {@code PyObject *f(PyObject *self, PyObject *args, PyObject *kwargs)}.
 * It runs with the GIL held, on whatever thread Python called from. It returns a new reference, or 0 with a Python
 * exception set; it should not throw (the backend turns a throw into a {@code SystemError} as a last resort).
 */
@FunctionalInterface
public interface PyCFunctionTarget {
    long call(long self, long args, long kwargs);
}
