package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.json.JsonEncodeException;
import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.view.PyTypeView;

/**
 * A Java exception at an upcall boundary, raised as the Python exception a Python caller expects. Cold code.
 */
final class ExceptionMapping {

    private ExceptionMapping() {
    }

    /** Sets the Python error for {@code t} (GIL held); returns 0, the C function's error result. */
    static long raise(CPythonBinding py, Throwable t) {
        String type;
        String message = t.getMessage() == null ? t.toString() : t.getMessage();
        if (t instanceof PythonException pe) {
            if (reraiseBuiltin(py, pe)) return 0;
            type = "PyExc_RuntimeError";
            message = pe.getMessage();
        } else if (t instanceof ArgumentError || t instanceof ClassCastException || t instanceof JsonEncodeException) {
            type = "PyExc_TypeError";
        } else if (t instanceof IllegalArgumentException) {
            type = "PyExc_ValueError";
        } else if (t instanceof ArithmeticException) {
            type = "PyExc_OverflowError";
        } else if (t instanceof IndexOutOfBoundsException) {
            type = "PyExc_IndexError";
        } else if (t instanceof UnsupportedOperationException) {
            type = "PyExc_NotImplementedError";
        } else if (t instanceof OutOfMemoryError) {
            type = "PyExc_MemoryError";
        } else {
            type = "PyExc_RuntimeError";
            message = t.getClass().getName() + ": " + message;
        }
        set(py, py.memory().getLong(py.symbol(type)), message);
        return 0;
    }

    /** A builtin Python exception type (by its unqualified name) raised again with its message. */
    private static boolean reraiseBuiltin(CPythonBinding py, PythonException pe) {
        String name = pe.pythonType();
        if (name.contains(".") || !CStrings.isExact(name)) return false;
        long builtins = 0;
        long cls = 0;
        try {
            builtins = withCString(py, "builtins", py::PyImport_ImportModule);
            if (builtins == 0) {
                py.PyErr_Clear();
                return false;
            }
            long module = builtins;
            cls = withCString(py, name, c -> py.PyObject_GetAttrString(module, c));
            if (cls == 0) {
                py.PyErr_Clear();
                return false;
            }
            long clsType = py.PyObject_Type(cls); // new
            boolean isType = (py.PyType_GetFlags(clsType) & PyTypeView.Py_TPFLAGS_TYPE_SUBCLASS) != 0;
            py.Py_DecRef(clsType);
            if (!isType || (py.PyType_GetFlags(cls) & PyTypeView.Py_TPFLAGS_BASE_EXC_SUBCLASS) == 0) return false;
            set(py, cls, pe.pythonMessage());
            return true;
        } finally {
            py.Py_DecRef(cls);
            py.Py_DecRef(builtins);
        }
    }

    private static void set(CPythonBinding py, long type, String message) {
        long c = CStrings.allocateEscaped(py, message);
        try {
            py.PyErr_SetString(type, c);
        } finally {
            CStrings.free(py, c);
        }
    }

    private static long withCString(CPythonBinding py, String s, java.util.function.LongUnaryOperator f) {
        long c = CStrings.allocate(py, s);
        try {
            return f.applyAsLong(c);
        } finally {
            CStrings.free(py, c);
        }
    }
}
