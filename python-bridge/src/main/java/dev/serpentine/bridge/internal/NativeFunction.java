package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.NativeMemory;

/**
 * A Python builtin function implemented in Java: a {@code PyMethodDef} ({@code METH_VARARGS | METH_KEYWORDS}) whose
 * C function is an upcall stub. The upcall parses the arguments by its {@link Signature}, runs the body with the GIL
 * (already held by the calling Python thread, whichever it is), and turns any Java exception into a Python one —
 * nothing unwinds through C frames.
 */
final class NativeFunction {

    /** The function's Java body: arguments are borrowed references (0 when not given); returns a new reference. */
    @FunctionalInterface
    interface Body {
        PyRef call(PythonScope python, long[] args) throws Exception;
    }

    private static final int METH_VARARGS = 0x1;
    private static final int METH_KEYWORDS = 0x2;
    private static final int METHOD_DEF_SIZE = 32; // {ml_name, ml_meth, ml_flags (+pad), ml_doc}

    private NativeFunction() {
    }

    /**
     * Adds {@code module.<name>}. The method definition, its strings and the stub live as long as the process, as
     * the function object can.
     */
    static void add(CPythonBinding py, long module, String moduleName, String doc, Signature signature, Body body) {
        NativeMemory mem = py.memory();
        long stub = py.upcallStub((self, args, kwargs) -> dispatch(py, signature, body, args, kwargs));
        long def = py.PyMem_RawCalloc(1, METHOD_DEF_SIZE);
        if (def == 0) throw new OutOfMemoryError("PyMem_RawCalloc failed for a PyMethodDef");
        mem.putLong(def, CStrings.allocate(py, signature.name()));
        mem.putLong(def + 8, stub);
        mem.putInt(def + 16, METH_VARARGS | METH_KEYWORDS);
        mem.putLong(def + 24, CStrings.allocate(py, doc));
        long modName = 0;
        long function = 0;
        long attr = CStrings.allocate(py, signature.name());
        try {
            long cName = CStrings.allocate(py, moduleName);
            try {
                modName = py.PyUnicode_FromStringAndSize(cName, mem.strlen(cName)); // new
            } finally {
                CStrings.free(py, cName);
            }
            function = py.PyCFunction_NewEx(def, 0, modName); // new
            if (function == 0 || py.PyObject_SetAttrString(module, attr, function) != 0) {
                throw new IllegalStateException("cannot add " + moduleName + "." + signature.name());
            }
        } finally {
            CStrings.free(py, attr);
            py.Py_DecRef(function);
            py.Py_DecRef(modName);
        }
    }

    private static long dispatch(CPythonBinding py, Signature signature, Body body, long args, long kwargs) {
        if (CPythonRuntime.nestingExceeded()) return ExceptionMapping.raise(py, CPythonRuntime.tooDeep()); // GIL held
        int state = py.PyGILState_Ensure(); // the caller holds the GIL: this only nests
        CPythonRuntime.gilScope(1);
        PythonScope scope = null;
        try {
            CPythonRuntime runtime = ActiveRuntime.get();
            scope = new PythonScope(runtime);
            long[] parsed = signature.parse(runtime.views(), args, kwargs);
            PyRef result = body.call(scope, parsed);
            return result.detach();
        } catch (Throwable t) {
            return ExceptionMapping.raise(py, t);
        } finally {
            if (scope != null) scope.close();
            CPythonRuntime.gilScope(-1);
            py.PyGILState_Release(state);
        }
    }
}
