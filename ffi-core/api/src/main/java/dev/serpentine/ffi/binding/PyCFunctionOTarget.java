package dev.serpentine.ffi.binding;

/**
 * The Java side of a {@code METH_O} C function called by Python: {@code PyObject *f(PyObject *self, PyObject *arg)},
 * one borrowed positional argument (CPython itself refuses any other number of arguments and any keyword). It runs
 * with the GIL held and returns a new reference, or 0 with a Python exception set; it should not throw (the backend
 * turns a throw into a {@code SystemError} as a last resort).
 */
@FunctionalInterface
public interface PyCFunctionOTarget {
    long call(long self, long arg);
}
