package dev.serpentine.ffi.binding;

/**
 * The Java side of a {@code METH_FASTCALL | METH_KEYWORDS} C function called by Python:
 * {@code PyObject *f(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)}. {@code args} is
 * the address of {@code nargs} positional arguments followed by one value per name in {@code kwnames} (a tuple of
 * str, or 0 when no keyword was given); all are borrowed. It runs with the GIL held and returns a new reference, or 0
 * with a Python exception set; it should not throw (the backend turns a throw into a {@code SystemError} as a last
 * resort).
 */
@FunctionalInterface
public interface PyCFunctionFastTarget {
    long call(long self, long args, long nargs, long kwnames);
}
