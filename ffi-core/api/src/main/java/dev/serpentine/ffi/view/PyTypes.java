package dev.serpentine.ffi.view;

import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/**
 * Addresses of the builtin type objects and singletons, from libpython's exported data symbols. An exact-type check
 * is one compare of {@code ob_type} with one of these.
 */
public final class PyTypes {

    public final long type;
    public final long object;
    public final long longType;
    public final long boolType;
    public final long floatType;
    public final long strType;
    public final long bytesType;
    public final long bytearrayType;
    public final long memoryviewType;
    public final long managedBufferType;
    public final long listType;
    public final long tupleType;
    public final long dictType;
    public final long none;
    public final long trueObject;
    public final long falseObject;

    /** Resolves the addresses; needs the GIL (the managed-buffer type may have to be found through a memoryview). */
    public PyTypes(CPythonBinding py, AbiLayout layout) {
        type = required(py, "PyType_Type");
        object = required(py, "PyBaseObject_Type");
        longType = required(py, "PyLong_Type");
        boolType = required(py, "PyBool_Type");
        floatType = required(py, "PyFloat_Type");
        strType = required(py, "PyUnicode_Type");
        bytesType = required(py, "PyBytes_Type");
        bytearrayType = required(py, "PyByteArray_Type");
        memoryviewType = required(py, "PyMemoryView_Type");
        managedBufferType = managedBufferType(py, layout);
        listType = required(py, "PyList_Type");
        tupleType = required(py, "PyTuple_Type");
        dictType = required(py, "PyDict_Type");
        none = required(py, "_Py_NoneStruct");
        trueObject = required(py, "_Py_TrueStruct");
        falseObject = required(py, "_Py_FalseStruct");
    }

    /** Exported up to 3.12; from 3.13 it is found as the type of a memoryview's managed buffer. */
    private static long managedBufferType(CPythonBinding py, AbiLayout layout) {
        long exported = py.symbol("_PyManagedBuffer_Type");
        if (exported != 0) return exported;
        long bytes = py.PyBytes_FromStringAndSize(0, 0);
        long mv = bytes == 0 ? 0 : py.PyMemoryView_FromObject(bytes);
        try {
            if (mv == 0) throw new InterpreterUnavailableException("cannot make a memoryview to find the managedbuffer type");
            long mbuf = py.memory().getLong(mv + layout.memoryviewMbuf);
            return py.memory().getLong(mbuf + layout.obType);
        } finally {
            py.Py_DecRef(mv);
            py.Py_DecRef(bytes);
        }
    }

    private static long required(CPythonBinding py, String name) {
        long a = py.symbol(name);
        if (a == 0) throw new InterpreterUnavailableException("libpython does not export " + name);
        return a;
    }
}
