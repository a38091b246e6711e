package dev.serpentine.ffi.view;

import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;

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
    public PyTypes(CPythonBinding py) {
        type = required(py, "PyType_Type");
        object = required(py, "PyBaseObject_Type");
        longType = required(py, "PyLong_Type");
        boolType = required(py, "PyBool_Type");
        floatType = required(py, "PyFloat_Type");
        strType = required(py, "PyUnicode_Type");
        bytesType = required(py, "PyBytes_Type");
        bytearrayType = required(py, "PyByteArray_Type");
        memoryviewType = required(py, "PyMemoryView_Type");
        managedBufferType = managedBufferType(py);
        listType = required(py, "PyList_Type");
        tupleType = required(py, "PyTuple_Type");
        dictType = required(py, "PyDict_Type");
        none = required(py, "_Py_NoneStruct");
        trueObject = required(py, "_Py_TrueStruct");
        falseObject = required(py, "_Py_FalseStruct");
    }

    /**
     * Exported up to 3.12. From 3.13 it is the type of the one object a memoryview refers to, as
     * {@code gc.get_referents} names it — found through calls, not through the layout, which is not verified yet.
     */
    private static long managedBufferType(CPythonBinding py) {
        long exported = py.symbol("_PyManagedBuffer_Type");
        if (exported != 0) return exported;
        long bytes = 0, view = 0, gc = 0, referents = 0, args = 0, list = 0, type = 0;
        try {
            bytes = py.PyBytes_FromStringAndSize(0, 0);
            view = bytes == 0 ? 0 : py.PyMemoryView_FromObject(bytes);
            gc = CStrings.call(py, "gc", py::PyImport_ImportModule);
            long module = gc;
            referents = gc == 0 ? 0 : CStrings.call(py, "get_referents", n -> py.PyObject_GetAttrString(module, n));
            args = py.PyTuple_New(1);
            if (view == 0 || referents == 0 || args == 0) throw managedBufferUnknown(py);
            py.Py_IncRef(view);
            py.PyTuple_SetItem(args, 0, view); // steals the extra reference
            list = py.PyObject_CallObject(referents, args);
            if (list == 0 || py.PyList_Size(list) != 1) throw managedBufferUnknown(py);
            type = py.PyObject_Type(py.PyList_GetItem(list, 0)); // borrowed item, new type reference
            if (type == 0) throw managedBufferUnknown(py);
            return type; // a static type: its address outlives the reference dropped below
        } finally {
            for (long o : new long[]{type, list, args, referents, gc, view, bytes}) py.Py_DecRef(o);
        }
    }

    private static InterpreterUnavailableException managedBufferUnknown(CPythonBinding py) {
        py.PyErr_Clear();
        return new InterpreterUnavailableException("cannot find the managedbuffer type through a memoryview");
    }

    private static long required(CPythonBinding py, String name) {
        long a = py.symbol(name);
        if (a == 0) throw new InterpreterUnavailableException("libpython does not export " + name);
        return a;
    }
}
