package dev.serpentine.ffi.ffm;

import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.PyCFunctionTarget;
import org.osgi.service.component.annotations.Component;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C-API binding on {@code java.lang.foreign}: downcall handles with {@code long} arguments (pointers and
 * {@code long} share a register class on x86-64), held in {@code static final} fields so the JIT inlines them.
 * {@code critical} is used only for leaf functions that neither block nor run Python code.
 */
@Component(service = CPythonBinding.class, property = {"backend=ffm", "service.ranking:Integer=200"})
public final class FfmBinding implements CPythonBinding {

    /** For the upcall guard, which needs a binding outside any instance (every instance is equivalent). */
    static final FfmBinding INSTANCE = new FfmBinding();

    private static final NativeMemory MEMORY = new FfmMemory();

    @Override
    public String backendName() {
        return "ffm";
    }

    @Override
    public int ranking() {
        return 200;
    }

    @Override
    public boolean isSupported() {
        return Runtime.version().feature() >= 22;
    }

    @Override
    public void load(CPythonInstallation installation) {
        Libraries.load(installation);
    }

    @Override
    public boolean isLoaded() {
        return Libraries.isLoaded();
    }

    @Override
    public long symbol(String name) {
        return Libraries.symbol(name);
    }

    @Override
    public NativeMemory memory() {
        return MEMORY;
    }

    @Override
    public void setenv(String name, String value) {
        Libraries.setenv(name, value);
    }

    @Override
    public void unsetenv(String name) {
        Libraries.unsetenv(name);
    }

    @Override
    public void Py_InitializeEx(int initsigs) {
        try {
            C.Py_InitializeEx.invokeExact(initsigs);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int Py_IsInitialized() {
        try {
            return (int) C.Py_IsInitialized.invokeExact();
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long Py_GetVersion() {
        try {
            return (long) C.Py_GetVersion.invokeExact();
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyEval_SaveThread() {
        try {
            return (long) C.PyEval_SaveThread.invokeExact();
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void PyEval_RestoreThread(long tstate) {
        try {
            C.PyEval_RestoreThread.invokeExact(tstate);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyGILState_Ensure() {
        try {
            return (int) C.PyGILState_Ensure.invokeExact();
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void PyGILState_Release(int state) {
        try {
            C.PyGILState_Release.invokeExact(state);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyGILState_Check() {
        try {
            return (int) C.PyGILState_Check.invokeExact();
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void Py_IncRef(long o) {
        try {
            C.Py_IncRef.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void Py_DecRef(long o) {
        try {
            C.Py_DecRef.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyErr_Occurred() {
        try {
            return (long) C.PyErr_Occurred.invokeExact();
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void PyErr_Fetch(long ptype, long pvalue, long ptraceback) {
        try {
            C.PyErr_Fetch.invokeExact(ptype, pvalue, ptraceback);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void PyErr_NormalizeException(long ptype, long pvalue, long ptraceback) {
        try {
            C.PyErr_NormalizeException.invokeExact(ptype, pvalue, ptraceback);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void PyErr_Restore(long type, long value, long traceback) {
        try {
            C.PyErr_Restore.invokeExact(type, value, traceback);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void PyErr_Clear() {
        try {
            C.PyErr_Clear.invokeExact();
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void PyErr_SetString(long type, long message) {
        try {
            C.PyErr_SetString.invokeExact(type, message);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyRun_StringFlags(long code, int start, long globals, long locals, long flags) {
        try {
            return (long) C.PyRun_StringFlags.invokeExact(code, start, globals, locals, flags);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyImport_ImportModule(long name) {
        try {
            return (long) C.PyImport_ImportModule.invokeExact(name);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyImport_AddModule(long name) {
        try {
            return (long) C.PyImport_AddModule.invokeExact(name);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyModule_GetDict(long module) {
        try {
            return (long) C.PyModule_GetDict.invokeExact(module);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyObject_GetAttrString(long o, long name) {
        try {
            return (long) C.PyObject_GetAttrString.invokeExact(o, name);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyObject_SetAttrString(long o, long name, long value) {
        try {
            return (int) C.PyObject_SetAttrString.invokeExact(o, name, value);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyObject_Str(long o) {
        try {
            return (long) C.PyObject_Str.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyObject_Repr(long o) {
        try {
            return (long) C.PyObject_Repr.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyObject_Hash(long o) {
        try {
            return (long) C.PyObject_Hash.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyObject_Call(long callable, long args, long kwargs) {
        try {
            return (long) C.PyObject_Call.invokeExact(callable, args, kwargs);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyObject_CallObject(long callable, long args) {
        try {
            return (long) C.PyObject_CallObject.invokeExact(callable, args);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyObject_IsTrue(long o) {
        try {
            return (int) C.PyObject_IsTrue.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyType_GetFlags(long type) {
        try {
            return (long) C.PyType_GetFlags.invokeExact(type);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyType_IsSubtype(long a, long b) {
        try {
            return (int) C.PyType_IsSubtype.invokeExact(a, b);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyBytes_FromStringAndSize(long data, long size) {
        try {
            return (long) C.PyBytes_FromStringAndSize.invokeExact(data, size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyBytes_AsString(long o) {
        try {
            return (long) C.PyBytes_AsString.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyBytes_Size(long o) {
        try {
            return (long) C.PyBytes_Size.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyByteArray_FromStringAndSize(long data, long size) {
        try {
            return (long) C.PyByteArray_FromStringAndSize.invokeExact(data, size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyByteArray_AsString(long o) {
        try {
            return (long) C.PyByteArray_AsString.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyByteArray_Size(long o) {
        try {
            return (long) C.PyByteArray_Size.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyByteArray_Resize(long o, long size) {
        try {
            return (int) C.PyByteArray_Resize.invokeExact(o, size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyMemoryView_FromObject(long o) {
        try {
            return (long) C.PyMemoryView_FromObject.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyMemoryView_FromBuffer(long view) {
        try {
            return (long) C.PyMemoryView_FromBuffer.invokeExact(view);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyObject_GetBuffer(long exporter, long view, int flags) {
        try {
            return (int) C.PyObject_GetBuffer.invokeExact(exporter, view, flags);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void PyBuffer_Release(long view) {
        try {
            C.PyBuffer_Release.invokeExact(view);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyBuffer_IsContiguous(long view, byte order) {
        try {
            return (int) C.PyBuffer_IsContiguous.invokeExact(view, order);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyBuffer_GetPointer(long view, long indices) {
        try {
            return (long) C.PyBuffer_GetPointer.invokeExact(view, indices);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyBuffer_ToContiguous(long buf, long view, long len, byte order) {
        try {
            return (int) C.PyBuffer_ToContiguous.invokeExact(buf, view, len, order);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyBuffer_FromContiguous(long view, long buf, long len, byte order) {
        try {
            return (int) C.PyBuffer_FromContiguous.invokeExact(view, buf, len, order);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyBuffer_FillInfo(long view, long exporter, long buf, long len, int readonly, int flags) {
        try {
            return (int) C.PyBuffer_FillInfo.invokeExact(view, exporter, buf, len, readonly, flags);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyUnicode_FromStringAndSize(long utf8, long size) {
        try {
            return (long) C.PyUnicode_FromStringAndSize.invokeExact(utf8, size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyUnicode_AsUTF8AndSize(long s, long psize) {
        try {
            return (long) C.PyUnicode_AsUTF8AndSize.invokeExact(s, psize);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyUnicode_GetLength(long s) {
        try {
            return (long) C.PyUnicode_GetLength.invokeExact(s);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyUnicode_ReadChar(long s, long index) {
        try {
            return (int) C.PyUnicode_ReadChar.invokeExact(s, index);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyLong_FromLongLong(long v) {
        try {
            return (long) C.PyLong_FromLongLong.invokeExact(v);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyLong_FromUnsignedLongLong(long v) {
        try {
            return (long) C.PyLong_FromUnsignedLongLong.invokeExact(v);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyLong_AsLongLong(long o) {
        try {
            return (long) C.PyLong_AsLongLong.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyLong_AsLongLongAndOverflow(long o, long poverflow) {
        try {
            return (long) C.PyLong_AsLongLongAndOverflow.invokeExact(o, poverflow);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyLong_AsUnsignedLongLong(long o) {
        try {
            return (long) C.PyLong_AsUnsignedLongLong.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyLong_FromString(long str, long pend, int base) {
        try {
            return (long) C.PyLong_FromString.invokeExact(str, pend, base);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyFloat_FromDouble(double v) {
        try {
            return (long) C.PyFloat_FromDouble.invokeExact(v);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public double PyFloat_AsDouble(long o) {
        try {
            return (double) C.PyFloat_AsDouble.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyBool_FromLong(long v) {
        try {
            return (long) C.PyBool_FromLong.invokeExact(v);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyList_New(long size) {
        try {
            return (long) C.PyList_New.invokeExact(size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyList_Size(long list) {
        try {
            return (long) C.PyList_Size.invokeExact(list);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyList_GetItem(long list, long index) {
        try {
            return (long) C.PyList_GetItem.invokeExact(list, index);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyList_SetItem(long list, long index, long item) {
        try {
            return (int) C.PyList_SetItem.invokeExact(list, index, item);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyList_Append(long list, long item) {
        try {
            return (int) C.PyList_Append.invokeExact(list, item);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyTuple_New(long size) {
        try {
            return (long) C.PyTuple_New.invokeExact(size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyTuple_Size(long tuple) {
        try {
            return (long) C.PyTuple_Size.invokeExact(tuple);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyTuple_GetItem(long tuple, long index) {
        try {
            return (long) C.PyTuple_GetItem.invokeExact(tuple, index);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyTuple_SetItem(long tuple, long index, long item) {
        try {
            return (int) C.PyTuple_SetItem.invokeExact(tuple, index, item);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyDict_New() {
        try {
            return (long) C.PyDict_New.invokeExact();
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyDict_Copy(long dict) {
        try {
            return (long) C.PyDict_Copy.invokeExact(dict);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyDict_SetItem(long dict, long key, long value) {
        try {
            return (int) C.PyDict_SetItem.invokeExact(dict, key, value);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyDict_DelItem(long dict, long key) {
        try {
            return (int) C.PyDict_DelItem.invokeExact(dict, key);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyDict_GetItemString(long dict, long key) {
        try {
            return (long) C.PyDict_GetItemString.invokeExact(dict, key);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyDict_Size(long dict) {
        try {
            return (long) C.PyDict_Size.invokeExact(dict);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyDict_Next(long dict, long ppos, long pkey, long pvalue) {
        try {
            return (int) C.PyDict_Next.invokeExact(dict, ppos, pkey, pvalue);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyMem_Malloc(long size) {
        try {
            return (long) C.PyMem_Malloc.invokeExact(size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyMem_Calloc(long nelem, long elsize) {
        try {
            return (long) C.PyMem_Calloc.invokeExact(nelem, elsize);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyMem_Realloc(long p, long size) {
        try {
            return (long) C.PyMem_Realloc.invokeExact(p, size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void PyMem_Free(long p) {
        try {
            C.PyMem_Free.invokeExact(p);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyMem_RawMalloc(long size) {
        try {
            return (long) C.PyMem_RawMalloc.invokeExact(size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyMem_RawCalloc(long nelem, long elsize) {
        try {
            return (long) C.PyMem_RawCalloc.invokeExact(nelem, elsize);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyMem_RawRealloc(long p, long size) {
        try {
            return (long) C.PyMem_RawRealloc.invokeExact(p, size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public void PyMem_RawFree(long p) {
        try {
            C.PyMem_RawFree.invokeExact(p);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyCFunction_NewEx(long ml, long self, long module) {
        try {
            return (long) C.PyCFunction_NewEx.invokeExact(ml, self, module);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyModule_New(long name) {
        try {
            return (long) C.PyModule_New.invokeExact(name);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyImport_GetModuleDict() {
        try {
            return (long) C.PyImport_GetModuleDict.invokeExact();
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyDict_SetItemString(long dict, long key, long value) {
        try {
            return (int) C.PyDict_SetItemString.invokeExact(dict, key, value);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyUnicode_FromKindAndData(int kind, long buffer, long size) {
        try {
            return (long) C.PyUnicode_FromKindAndData.invokeExact(kind, buffer, size);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyObject_Type(long o) {
        try {
            return (long) C.PyObject_Type.invokeExact(o);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public int PyObject_IsInstance(long o, long cls) {
        try {
            return (int) C.PyObject_IsInstance.invokeExact(o, cls);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long PyErr_NewException(long name, long base, long dict) {
        try {
            return (long) C.PyErr_NewException.invokeExact(name, base, dict);
        } catch (Throwable t) {
            throw C.rethrow(t);
        }
    }

    @Override
    public long upcallStub(PyCFunctionTarget target) {
        return Upcalls.stub(target);
    }

    @Override
    public void runPinned(Runnable action) {
        NativeFrame.run(action);
    }

    /** The downcall handles, bound when this class is first used — which must be after {@link #load}. */
    static final class C {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final Linker.Option[] CRITICAL = {Linker.Option.critical(false)};
        private static final Linker.Option[] PLAIN = {};

        static final MethodHandle Py_InitializeEx = bind("Py_InitializeEx", FunctionDescriptor.ofVoid(JAVA_INT), false);
        static final MethodHandle Py_IsInitialized = bind("Py_IsInitialized", FunctionDescriptor.of(JAVA_INT), false);
        static final MethodHandle Py_GetVersion = bind("Py_GetVersion", FunctionDescriptor.of(JAVA_LONG), false);
        static final MethodHandle PyEval_SaveThread = bind("PyEval_SaveThread", FunctionDescriptor.of(JAVA_LONG), false);
        static final MethodHandle PyEval_RestoreThread = bind("PyEval_RestoreThread", FunctionDescriptor.ofVoid(JAVA_LONG), false);
        static final MethodHandle PyGILState_Ensure = bind("PyGILState_Ensure", FunctionDescriptor.of(JAVA_INT), false);
        static final MethodHandle PyGILState_Release = bind("PyGILState_Release", FunctionDescriptor.ofVoid(JAVA_INT), false);
        static final MethodHandle PyGILState_Check = bind("PyGILState_Check", FunctionDescriptor.of(JAVA_INT), true);
        static final MethodHandle Py_IncRef = bind("Py_IncRef", FunctionDescriptor.ofVoid(JAVA_LONG), true);
        static final MethodHandle Py_DecRef = bind("Py_DecRef", FunctionDescriptor.ofVoid(JAVA_LONG), false);
        static final MethodHandle PyErr_Occurred = bind("PyErr_Occurred", FunctionDescriptor.of(JAVA_LONG), true);
        static final MethodHandle PyErr_Fetch = bind("PyErr_Fetch", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyErr_NormalizeException = bind("PyErr_NormalizeException", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyErr_Restore = bind("PyErr_Restore", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyErr_Clear = bind("PyErr_Clear", FunctionDescriptor.ofVoid(), false);
        static final MethodHandle PyErr_SetString = bind("PyErr_SetString", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyRun_StringFlags = bind("PyRun_StringFlags", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyImport_ImportModule = bind("PyImport_ImportModule", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyImport_AddModule = bind("PyImport_AddModule", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyModule_GetDict = bind("PyModule_GetDict", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_GetAttrString = bind("PyObject_GetAttrString", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_SetAttrString = bind("PyObject_SetAttrString", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_Str = bind("PyObject_Str", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_Repr = bind("PyObject_Repr", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_Hash = bind("PyObject_Hash", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_Call = bind("PyObject_Call", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_CallObject = bind("PyObject_CallObject", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_IsTrue = bind("PyObject_IsTrue", FunctionDescriptor.of(JAVA_INT, JAVA_LONG), false);
        static final MethodHandle PyType_GetFlags = bind("PyType_GetFlags", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), true);
        static final MethodHandle PyType_IsSubtype = bind("PyType_IsSubtype", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), true);
        static final MethodHandle PyBytes_FromStringAndSize = bind("PyBytes_FromStringAndSize", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyBytes_AsString = bind("PyBytes_AsString", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyBytes_Size = bind("PyBytes_Size", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyByteArray_FromStringAndSize = bind("PyByteArray_FromStringAndSize", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyByteArray_AsString = bind("PyByteArray_AsString", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyByteArray_Size = bind("PyByteArray_Size", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyByteArray_Resize = bind("PyByteArray_Resize", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyMemoryView_FromObject = bind("PyMemoryView_FromObject", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyMemoryView_FromBuffer = bind("PyMemoryView_FromBuffer", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_GetBuffer = bind("PyObject_GetBuffer", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT), false);
        static final MethodHandle PyBuffer_Release = bind("PyBuffer_Release", FunctionDescriptor.ofVoid(JAVA_LONG), false);
        static final MethodHandle PyBuffer_IsContiguous = bind("PyBuffer_IsContiguous", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE), true);
        static final MethodHandle PyBuffer_GetPointer = bind("PyBuffer_GetPointer", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), true);
        static final MethodHandle PyBuffer_ToContiguous = bind("PyBuffer_ToContiguous", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_BYTE), false);
        static final MethodHandle PyBuffer_FromContiguous = bind("PyBuffer_FromContiguous", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_BYTE), false);
        static final MethodHandle PyBuffer_FillInfo = bind("PyBuffer_FillInfo", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT), false);
        static final MethodHandle PyUnicode_FromStringAndSize = bind("PyUnicode_FromStringAndSize", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyUnicode_AsUTF8AndSize = bind("PyUnicode_AsUTF8AndSize", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyUnicode_GetLength = bind("PyUnicode_GetLength", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyUnicode_ReadChar = bind("PyUnicode_ReadChar", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyLong_FromLongLong = bind("PyLong_FromLongLong", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyLong_FromUnsignedLongLong = bind("PyLong_FromUnsignedLongLong", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyLong_AsLongLong = bind("PyLong_AsLongLong", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyLong_AsLongLongAndOverflow = bind("PyLong_AsLongLongAndOverflow", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyLong_AsUnsignedLongLong = bind("PyLong_AsUnsignedLongLong", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyLong_FromString = bind("PyLong_FromString", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT), false);
        static final MethodHandle PyFloat_FromDouble = bind("PyFloat_FromDouble", FunctionDescriptor.of(JAVA_LONG, JAVA_DOUBLE), false);
        static final MethodHandle PyFloat_AsDouble = bind("PyFloat_AsDouble", FunctionDescriptor.of(JAVA_DOUBLE, JAVA_LONG), false);
        static final MethodHandle PyBool_FromLong = bind("PyBool_FromLong", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyList_New = bind("PyList_New", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyList_Size = bind("PyList_Size", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyList_GetItem = bind("PyList_GetItem", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyList_SetItem = bind("PyList_SetItem", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyList_Append = bind("PyList_Append", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyTuple_New = bind("PyTuple_New", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyTuple_Size = bind("PyTuple_Size", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyTuple_GetItem = bind("PyTuple_GetItem", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyTuple_SetItem = bind("PyTuple_SetItem", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyDict_New = bind("PyDict_New", FunctionDescriptor.of(JAVA_LONG), false);
        static final MethodHandle PyDict_Copy = bind("PyDict_Copy", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyDict_SetItem = bind("PyDict_SetItem", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyDict_DelItem = bind("PyDict_DelItem", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyDict_GetItemString = bind("PyDict_GetItemString", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyDict_Size = bind("PyDict_Size", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyDict_Next = bind("PyDict_Next", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyMem_Malloc = bind("PyMem_Malloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyMem_Calloc = bind("PyMem_Calloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyMem_Realloc = bind("PyMem_Realloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyMem_Free = bind("PyMem_Free", FunctionDescriptor.ofVoid(JAVA_LONG), false);
        static final MethodHandle PyMem_RawMalloc = bind("PyMem_RawMalloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyMem_RawCalloc = bind("PyMem_RawCalloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyMem_RawRealloc = bind("PyMem_RawRealloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyMem_RawFree = bind("PyMem_RawFree", FunctionDescriptor.ofVoid(JAVA_LONG), false);
        static final MethodHandle PyCFunction_NewEx = bind("PyCFunction_NewEx", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyModule_New = bind("PyModule_New", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyImport_GetModuleDict = bind("PyImport_GetModuleDict", FunctionDescriptor.of(JAVA_LONG), false);
        static final MethodHandle PyDict_SetItemString = bind("PyDict_SetItemString", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyUnicode_FromKindAndData = bind("PyUnicode_FromKindAndData", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_Type = bind("PyObject_Type", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyObject_IsInstance = bind("PyObject_IsInstance", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG), false);
        static final MethodHandle PyErr_NewException = bind("PyErr_NewException", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), false);

        private C() {
        }

        private static MethodHandle bind(String name, FunctionDescriptor descriptor, boolean critical) {
            return LINKER.downcallHandle(Libraries.function(name), descriptor, critical ? CRITICAL : PLAIN);
        }

        static RuntimeException rethrow(Throwable t) {
            if (t instanceof RuntimeException r) return r;
            if (t instanceof Error e) throw e;
            return new IllegalStateException(t);
        }
    }
}
