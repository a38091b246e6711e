package dev.serpentine.ffi.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.PyCFunctionTarget;
import org.osgi.service.component.annotations.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The C-API binding on JNA direct mapping ({@code Native.register}) with raw {@code long} arguments: about 50 ns a
 * call, against 200–300 ns for interface mapping and its {@code Pointer} objects.
 */
@Component(service = CPythonBinding.class, property = {"backend=jna", "service.ranking:Integer=100"})
public final class JnaBinding implements CPythonBinding {

    /** For the upcall guard, which needs a binding outside any instance (every instance is equivalent). */
    static final JnaBinding INSTANCE = new JnaBinding();

    private static final NativeMemory MEMORY = new JnaMemory();
    private static final List<NativeLibrary> PRELOADED = new ArrayList<>();
    private static NativeLibrary libpython;
    private static Path loadedPath;

    @Override
    public String backendName() {
        return "jna";
    }

    @Override
    public int ranking() {
        return 100;
    }

    @Override
    public boolean isSupported() {
        return true;
    }

    @Override
    public void load(CPythonInstallation installation) {
        synchronized (JnaBinding.class) {
            Path lib = installation.library();
            if (libpython != null) {
                if (lib.equals(loadedPath)) return;
                throw new InterpreterUnavailableException("this process already loaded " + loadedPath + "; cannot load " + lib);
            }
            // RTLD_GLOBAL: C extension modules (_json) resolve their symbols against libpython.
            Map<String, Object> options = Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL);
            try {
                for (Path p : installation.preload()) {
                    PRELOADED.add(NativeLibrary.getInstance(p.toString(), options));
                }
                NativeLibrary library = NativeLibrary.getInstance(lib.toString(), options);
                Native.register(LibPython.class, library);
                libpython = library;
                loadedPath = lib;
            } catch (UnsatisfiedLinkError e) {
                throw new InterpreterUnavailableException("cannot load " + lib + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean isLoaded() {
        synchronized (JnaBinding.class) {
            return libpython != null;
        }
    }

    @Override
    public long symbol(String name) {
        NativeLibrary lib;
        synchronized (JnaBinding.class) {
            lib = libpython;
        }
        if (lib == null) throw new IllegalStateException("libpython is not loaded");
        try {
            return Pointer.nativeValue(lib.getGlobalVariableAddress(name));
        } catch (UnsatisfiedLinkError e) {
            return 0;
        }
    }

    @Override
    public NativeMemory memory() {
        return MEMORY;
    }

    @Override
    public void setenv(String name, String value) {
        if (LibC.setenv(name, value, 1) != 0) throw new IllegalArgumentException("setenv(" + name + ") failed");
    }

    @Override
    public void unsetenv(String name) {
        if (LibC.unsetenv(name) != 0) throw new IllegalArgumentException("unsetenv(" + name + ") failed");
    }

    @Override
    public void Py_InitializeEx(int initsigs) {
        LibPython.Py_InitializeEx(initsigs);
    }

    @Override
    public int Py_IsInitialized() {
        return LibPython.Py_IsInitialized();
    }

    @Override
    public long Py_GetVersion() {
        return LibPython.Py_GetVersion();
    }

    @Override
    public long PyEval_SaveThread() {
        return LibPython.PyEval_SaveThread();
    }

    @Override
    public void PyEval_RestoreThread(long tstate) {
        LibPython.PyEval_RestoreThread(tstate);
    }

    @Override
    public int PyGILState_Ensure() {
        return LibPython.PyGILState_Ensure();
    }

    @Override
    public void PyGILState_Release(int state) {
        LibPython.PyGILState_Release(state);
    }

    @Override
    public int PyGILState_Check() {
        return LibPython.PyGILState_Check();
    }

    @Override
    public void Py_IncRef(long o) {
        LibPython.Py_IncRef(o);
    }

    @Override
    public void Py_DecRef(long o) {
        LibPython.Py_DecRef(o);
    }

    @Override
    public long PyErr_Occurred() {
        return LibPython.PyErr_Occurred();
    }

    @Override
    public void PyErr_Fetch(long ptype, long pvalue, long ptraceback) {
        LibPython.PyErr_Fetch(ptype, pvalue, ptraceback);
    }

    @Override
    public void PyErr_NormalizeException(long ptype, long pvalue, long ptraceback) {
        LibPython.PyErr_NormalizeException(ptype, pvalue, ptraceback);
    }

    @Override
    public void PyErr_Restore(long type, long value, long traceback) {
        LibPython.PyErr_Restore(type, value, traceback);
    }

    @Override
    public void PyErr_Clear() {
        LibPython.PyErr_Clear();
    }

    @Override
    public void PyErr_SetString(long type, long message) {
        LibPython.PyErr_SetString(type, message);
    }

    @Override
    public long PyRun_StringFlags(long code, int start, long globals, long locals, long flags) {
        return LibPython.PyRun_StringFlags(code, start, globals, locals, flags);
    }

    @Override
    public long PyImport_ImportModule(long name) {
        return LibPython.PyImport_ImportModule(name);
    }

    @Override
    public long PyImport_AddModule(long name) {
        return LibPython.PyImport_AddModule(name);
    }

    @Override
    public long PyModule_GetDict(long module) {
        return LibPython.PyModule_GetDict(module);
    }

    @Override
    public long PyObject_GetAttrString(long o, long name) {
        return LibPython.PyObject_GetAttrString(o, name);
    }

    @Override
    public int PyObject_SetAttrString(long o, long name, long value) {
        return LibPython.PyObject_SetAttrString(o, name, value);
    }

    @Override
    public long PyObject_Str(long o) {
        return LibPython.PyObject_Str(o);
    }

    @Override
    public long PyObject_Repr(long o) {
        return LibPython.PyObject_Repr(o);
    }

    @Override
    public long PyObject_Hash(long o) {
        return LibPython.PyObject_Hash(o);
    }

    @Override
    public long PyObject_Call(long callable, long args, long kwargs) {
        return LibPython.PyObject_Call(callable, args, kwargs);
    }

    @Override
    public long PyObject_CallObject(long callable, long args) {
        return LibPython.PyObject_CallObject(callable, args);
    }

    @Override
    public int PyObject_IsTrue(long o) {
        return LibPython.PyObject_IsTrue(o);
    }

    @Override
    public long PyType_GetFlags(long type) {
        return LibPython.PyType_GetFlags(type);
    }

    @Override
    public int PyType_IsSubtype(long a, long b) {
        return LibPython.PyType_IsSubtype(a, b);
    }

    @Override
    public long PyBytes_FromStringAndSize(long data, long size) {
        return LibPython.PyBytes_FromStringAndSize(data, size);
    }

    @Override
    public long PyBytes_AsString(long o) {
        return LibPython.PyBytes_AsString(o);
    }

    @Override
    public long PyBytes_Size(long o) {
        return LibPython.PyBytes_Size(o);
    }

    @Override
    public long PyByteArray_FromStringAndSize(long data, long size) {
        return LibPython.PyByteArray_FromStringAndSize(data, size);
    }

    @Override
    public long PyByteArray_AsString(long o) {
        return LibPython.PyByteArray_AsString(o);
    }

    @Override
    public long PyByteArray_Size(long o) {
        return LibPython.PyByteArray_Size(o);
    }

    @Override
    public int PyByteArray_Resize(long o, long size) {
        return LibPython.PyByteArray_Resize(o, size);
    }

    @Override
    public long PyMemoryView_FromObject(long o) {
        return LibPython.PyMemoryView_FromObject(o);
    }

    @Override
    public long PyMemoryView_FromBuffer(long view) {
        return LibPython.PyMemoryView_FromBuffer(view);
    }

    @Override
    public int PyObject_GetBuffer(long exporter, long view, int flags) {
        return LibPython.PyObject_GetBuffer(exporter, view, flags);
    }

    @Override
    public void PyBuffer_Release(long view) {
        LibPython.PyBuffer_Release(view);
    }

    @Override
    public int PyBuffer_IsContiguous(long view, byte order) {
        return LibPython.PyBuffer_IsContiguous(view, order);
    }

    @Override
    public long PyBuffer_GetPointer(long view, long indices) {
        return LibPython.PyBuffer_GetPointer(view, indices);
    }

    @Override
    public int PyBuffer_ToContiguous(long buf, long view, long len, byte order) {
        return LibPython.PyBuffer_ToContiguous(buf, view, len, order);
    }

    @Override
    public int PyBuffer_FromContiguous(long view, long buf, long len, byte order) {
        return LibPython.PyBuffer_FromContiguous(view, buf, len, order);
    }

    @Override
    public int PyBuffer_FillInfo(long view, long exporter, long buf, long len, int readonly, int flags) {
        return LibPython.PyBuffer_FillInfo(view, exporter, buf, len, readonly, flags);
    }

    @Override
    public long PyUnicode_FromStringAndSize(long utf8, long size) {
        return LibPython.PyUnicode_FromStringAndSize(utf8, size);
    }

    @Override
    public long PyUnicode_AsUTF8AndSize(long s, long psize) {
        return LibPython.PyUnicode_AsUTF8AndSize(s, psize);
    }

    @Override
    public long PyUnicode_GetLength(long s) {
        return LibPython.PyUnicode_GetLength(s);
    }

    @Override
    public int PyUnicode_ReadChar(long s, long index) {
        return LibPython.PyUnicode_ReadChar(s, index);
    }

    @Override
    public long PyLong_FromLongLong(long v) {
        return LibPython.PyLong_FromLongLong(v);
    }

    @Override
    public long PyLong_FromUnsignedLongLong(long v) {
        return LibPython.PyLong_FromUnsignedLongLong(v);
    }

    @Override
    public long PyLong_AsLongLong(long o) {
        return LibPython.PyLong_AsLongLong(o);
    }

    @Override
    public long PyLong_AsLongLongAndOverflow(long o, long poverflow) {
        return LibPython.PyLong_AsLongLongAndOverflow(o, poverflow);
    }

    @Override
    public long PyLong_AsUnsignedLongLong(long o) {
        return LibPython.PyLong_AsUnsignedLongLong(o);
    }

    @Override
    public long PyLong_FromString(long str, long pend, int base) {
        return LibPython.PyLong_FromString(str, pend, base);
    }

    @Override
    public long PyFloat_FromDouble(double v) {
        return LibPython.PyFloat_FromDouble(v);
    }

    @Override
    public double PyFloat_AsDouble(long o) {
        return LibPython.PyFloat_AsDouble(o);
    }

    @Override
    public long PyBool_FromLong(long v) {
        return LibPython.PyBool_FromLong(v);
    }

    @Override
    public long PyList_New(long size) {
        return LibPython.PyList_New(size);
    }

    @Override
    public long PyList_Size(long list) {
        return LibPython.PyList_Size(list);
    }

    @Override
    public long PyList_GetItem(long list, long index) {
        return LibPython.PyList_GetItem(list, index);
    }

    @Override
    public int PyList_SetItem(long list, long index, long item) {
        return LibPython.PyList_SetItem(list, index, item);
    }

    @Override
    public int PyList_Append(long list, long item) {
        return LibPython.PyList_Append(list, item);
    }

    @Override
    public long PyTuple_New(long size) {
        return LibPython.PyTuple_New(size);
    }

    @Override
    public long PyTuple_Size(long tuple) {
        return LibPython.PyTuple_Size(tuple);
    }

    @Override
    public long PyTuple_GetItem(long tuple, long index) {
        return LibPython.PyTuple_GetItem(tuple, index);
    }

    @Override
    public int PyTuple_SetItem(long tuple, long index, long item) {
        return LibPython.PyTuple_SetItem(tuple, index, item);
    }

    @Override
    public long PyDict_New() {
        return LibPython.PyDict_New();
    }

    @Override
    public long PyDict_Copy(long dict) {
        return LibPython.PyDict_Copy(dict);
    }

    @Override
    public int PyDict_SetItem(long dict, long key, long value) {
        return LibPython.PyDict_SetItem(dict, key, value);
    }

    @Override
    public int PyDict_DelItem(long dict, long key) {
        return LibPython.PyDict_DelItem(dict, key);
    }

    @Override
    public long PyDict_GetItemString(long dict, long key) {
        return LibPython.PyDict_GetItemString(dict, key);
    }

    @Override
    public long PyDict_Size(long dict) {
        return LibPython.PyDict_Size(dict);
    }

    @Override
    public int PyDict_Next(long dict, long ppos, long pkey, long pvalue) {
        return LibPython.PyDict_Next(dict, ppos, pkey, pvalue);
    }

    @Override
    public long PyMem_Malloc(long size) {
        return LibPython.PyMem_Malloc(size);
    }

    @Override
    public long PyMem_Calloc(long nelem, long elsize) {
        return LibPython.PyMem_Calloc(nelem, elsize);
    }

    @Override
    public long PyMem_Realloc(long p, long size) {
        return LibPython.PyMem_Realloc(p, size);
    }

    @Override
    public void PyMem_Free(long p) {
        LibPython.PyMem_Free(p);
    }

    @Override
    public long PyMem_RawMalloc(long size) {
        return LibPython.PyMem_RawMalloc(size);
    }

    @Override
    public long PyMem_RawCalloc(long nelem, long elsize) {
        return LibPython.PyMem_RawCalloc(nelem, elsize);
    }

    @Override
    public long PyMem_RawRealloc(long p, long size) {
        return LibPython.PyMem_RawRealloc(p, size);
    }

    @Override
    public void PyMem_RawFree(long p) {
        LibPython.PyMem_RawFree(p);
    }

    @Override
    public long PyCFunction_NewEx(long ml, long self, long module) {
        return LibPython.PyCFunction_NewEx(ml, self, module);
    }

    @Override
    public long PyModule_New(long name) {
        return LibPython.PyModule_New(name);
    }

    @Override
    public long PyImport_GetModuleDict() {
        return LibPython.PyImport_GetModuleDict();
    }

    @Override
    public int PyDict_SetItemString(long dict, long key, long value) {
        return LibPython.PyDict_SetItemString(dict, key, value);
    }

    @Override
    public long PyUnicode_FromKindAndData(int kind, long buffer, long size) {
        return LibPython.PyUnicode_FromKindAndData(kind, buffer, size);
    }

    @Override
    public long PyObject_Type(long o) {
        return LibPython.PyObject_Type(o);
    }

    @Override
    public int PyObject_IsInstance(long o, long cls) {
        return LibPython.PyObject_IsInstance(o, cls);
    }

    @Override
    public long PyErr_NewException(long name, long base, long dict) {
        return LibPython.PyErr_NewException(name, base, dict);
    }

    @Override
    public long upcallStub(PyCFunctionTarget target) {
        return Upcalls.stub(target);
    }

    @Override
    public void runPinned(Runnable action) {
        NativeFrame.run(action);
    }

    /** libpython's functions, registered against the loaded library by {@link #load}. */
    static final class LibPython {
        private LibPython() {
        }

        static native void Py_InitializeEx(int initsigs);
        static native int Py_IsInitialized();
        static native long Py_GetVersion();
        static native long PyEval_SaveThread();
        static native void PyEval_RestoreThread(long tstate);
        static native int PyGILState_Ensure();
        static native void PyGILState_Release(int state);
        static native int PyGILState_Check();
        static native void Py_IncRef(long o);
        static native void Py_DecRef(long o);
        static native long PyErr_Occurred();
        static native void PyErr_Fetch(long ptype, long pvalue, long ptraceback);
        static native void PyErr_NormalizeException(long ptype, long pvalue, long ptraceback);
        static native void PyErr_Restore(long type, long value, long traceback);
        static native void PyErr_Clear();
        static native void PyErr_SetString(long type, long message);
        static native long PyRun_StringFlags(long code, int start, long globals, long locals, long flags);
        static native long PyImport_ImportModule(long name);
        static native long PyImport_AddModule(long name);
        static native long PyModule_GetDict(long module);
        static native long PyObject_GetAttrString(long o, long name);
        static native int PyObject_SetAttrString(long o, long name, long value);
        static native long PyObject_Str(long o);
        static native long PyObject_Repr(long o);
        static native long PyObject_Hash(long o);
        static native long PyObject_Call(long callable, long args, long kwargs);
        static native long PyObject_CallObject(long callable, long args);
        static native int PyObject_IsTrue(long o);
        static native long PyType_GetFlags(long type);
        static native int PyType_IsSubtype(long a, long b);
        static native long PyBytes_FromStringAndSize(long data, long size);
        static native long PyBytes_AsString(long o);
        static native long PyBytes_Size(long o);
        static native long PyByteArray_FromStringAndSize(long data, long size);
        static native long PyByteArray_AsString(long o);
        static native long PyByteArray_Size(long o);
        static native int PyByteArray_Resize(long o, long size);
        static native long PyMemoryView_FromObject(long o);
        static native long PyMemoryView_FromBuffer(long view);
        static native int PyObject_GetBuffer(long exporter, long view, int flags);
        static native void PyBuffer_Release(long view);
        static native int PyBuffer_IsContiguous(long view, byte order);
        static native long PyBuffer_GetPointer(long view, long indices);
        static native int PyBuffer_ToContiguous(long buf, long view, long len, byte order);
        static native int PyBuffer_FromContiguous(long view, long buf, long len, byte order);
        static native int PyBuffer_FillInfo(long view, long exporter, long buf, long len, int readonly, int flags);
        static native long PyUnicode_FromStringAndSize(long utf8, long size);
        static native long PyUnicode_AsUTF8AndSize(long s, long psize);
        static native long PyUnicode_GetLength(long s);
        static native int PyUnicode_ReadChar(long s, long index);
        static native long PyLong_FromLongLong(long v);
        static native long PyLong_FromUnsignedLongLong(long v);
        static native long PyLong_AsLongLong(long o);
        static native long PyLong_AsLongLongAndOverflow(long o, long poverflow);
        static native long PyLong_AsUnsignedLongLong(long o);
        static native long PyLong_FromString(long str, long pend, int base);
        static native long PyFloat_FromDouble(double v);
        static native double PyFloat_AsDouble(long o);
        static native long PyBool_FromLong(long v);
        static native long PyList_New(long size);
        static native long PyList_Size(long list);
        static native long PyList_GetItem(long list, long index);
        static native int PyList_SetItem(long list, long index, long item);
        static native int PyList_Append(long list, long item);
        static native long PyTuple_New(long size);
        static native long PyTuple_Size(long tuple);
        static native long PyTuple_GetItem(long tuple, long index);
        static native int PyTuple_SetItem(long tuple, long index, long item);
        static native long PyDict_New();
        static native long PyDict_Copy(long dict);
        static native int PyDict_SetItem(long dict, long key, long value);
        static native int PyDict_DelItem(long dict, long key);
        static native long PyDict_GetItemString(long dict, long key);
        static native long PyDict_Size(long dict);
        static native int PyDict_Next(long dict, long ppos, long pkey, long pvalue);
        static native long PyCFunction_NewEx(long ml, long self, long module);
        static native long PyModule_New(long name);
        static native long PyImport_GetModuleDict();
        static native int PyDict_SetItemString(long dict, long key, long value);
        static native long PyUnicode_FromKindAndData(int kind, long buffer, long size);
        static native long PyObject_Type(long o);
        static native int PyObject_IsInstance(long o, long cls);
        static native long PyErr_NewException(long name, long base, long dict);
        static native long PyMem_Malloc(long size);
        static native long PyMem_Calloc(long nelem, long elsize);
        static native long PyMem_Realloc(long p, long size);
        static native void PyMem_Free(long p);
        static native long PyMem_RawMalloc(long size);
        static native long PyMem_RawCalloc(long nelem, long elsize);
        static native long PyMem_RawRealloc(long p, long size);
        static native void PyMem_RawFree(long p);
    }

    /** The few libc functions the binding needs. */
    static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        private LibC() {
        }

        static native int setenv(String name, String value, int overwrite);

        static native int unsetenv(String name);

        static native long memmove(long dst, long src, long n);
    }
}
