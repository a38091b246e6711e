package dev.serpentine.ffi.binding;

import dev.serpentine.ffi.CPythonInstallation;

/**
 * The CPython C-API functions the platform calls, bound to one loaded libpython. Every pointer is a raw
 * {@code long} address (0 is NULL); each method is named after the C function it calls and has its semantics,
 * including which references are new, borrowed or stolen.
 *
 * <p>Only functions exported by every libpython 3.9–3.14 are here (macros and {@code static inline} helpers are not
 * callable through FFM or JNA); {@link #symbol} reaches the others and the exported data objects.
 *
 * <p>Rules that keep the JVM alive: call nothing but {@link #load}, {@link #symbol}, {@link #setenv},
 * {@link #unsetenv}, {@link #Py_IsInitialized}, {@link #Py_GetVersion} and the {@code PyMem_Raw*} functions before
 * the interpreter is initialized; hold the GIL for everything else.
 */
public interface CPythonBinding {

    int RTLD_NOW = 0x2;
    int RTLD_GLOBAL = 0x100;

    /** {@code Py_eval_input}, {@code Py_file_input}: start symbols of {@code PyRun_StringFlags}. */
    int Py_eval_input = 258;
    int Py_file_input = 257;

    /** The backend's name, {@code ffm} or {@code jna}. */
    String backendName();

    /** Preference among available backends; the highest available one is the default (FFM above JNA). */
    int ranking();

    /** Whether this backend can run on this JVM (FFM needs Java 22+). */
    boolean isSupported();

    /**
     * Loads the installation's preload libraries and libpython with {@code RTLD_NOW | RTLD_GLOBAL} (C extension
     * modules such as {@code _json} resolve their symbols against libpython) and binds the functions below.
     * A process can load one libpython; loading a second, different one is refused.
     */
    void load(CPythonInstallation installation);

    /** Whether {@link #load} succeeded. */
    boolean isLoaded();

    /** The address of an exported symbol of the loaded libpython, or 0 when it does not export it. */
    long symbol(String name);

    /** The process-wide native memory accessor. */
    NativeMemory memory();

    /** libc {@code setenv(name, value, 1)}: visible to CPython's {@code getenv}, unlike Java's environment. */
    void setenv(String name, String value);

    /** libc {@code unsetenv(name)}. */
    void unsetenv(String name);

    // --- lifecycle and threads -------------------------------------------------------------------------------

    void Py_InitializeEx(int initsigs);

    int Py_IsInitialized();

    /** {@code const char*}, valid for the life of the process; callable before initialization. */
    long Py_GetVersion();

    long PyEval_SaveThread();

    void PyEval_RestoreThread(long tstate);

    int PyGILState_Ensure();

    void PyGILState_Release(int state);

    int PyGILState_Check();

    // --- references and errors -------------------------------------------------------------------------------

    void Py_IncRef(long o);

    void Py_DecRef(long o);

    long PyErr_Occurred();

    void PyErr_Fetch(long ptype, long pvalue, long ptraceback);

    void PyErr_NormalizeException(long ptype, long pvalue, long ptraceback);

    void PyErr_Restore(long type, long value, long traceback);

    void PyErr_Clear();

    void PyErr_SetString(long type, long message);

    // --- running code and objects ----------------------------------------------------------------------------

    long PyRun_StringFlags(long code, int start, long globals, long locals, long flags);

    long PyImport_ImportModule(long name);

    /** Borrowed. */
    long PyImport_AddModule(long name);

    /** Borrowed. */
    long PyModule_GetDict(long module);

    long PyObject_GetAttrString(long o, long name);

    int PyObject_SetAttrString(long o, long name, long value);

    long PyObject_Str(long o);

    long PyObject_Repr(long o);

    long PyObject_Hash(long o);

    long PyObject_Call(long callable, long args, long kwargs);

    long PyObject_CallObject(long callable, long args);

    int PyObject_IsTrue(long o);

    long PyType_GetFlags(long type);

    int PyType_IsSubtype(long a, long b);

    // --- bytes, bytearray, memoryview, buffers ---------------------------------------------------------------

    long PyBytes_FromStringAndSize(long data, long size);

    long PyBytes_AsString(long o);

    long PyBytes_Size(long o);

    long PyByteArray_FromStringAndSize(long data, long size);

    long PyByteArray_AsString(long o);

    long PyByteArray_Size(long o);

    int PyByteArray_Resize(long o, long size);

    long PyMemoryView_FromObject(long o);

    /** A memoryview over a caller-filled {@code Py_buffer} (copied; {@code obj} is not referenced). */
    long PyMemoryView_FromBuffer(long view);

    int PyObject_GetBuffer(long exporter, long view, int flags);

    void PyBuffer_Release(long view);

    int PyBuffer_IsContiguous(long view, byte order);

    long PyBuffer_GetPointer(long view, long indices);

    int PyBuffer_ToContiguous(long buf, long view, long len, byte order);

    int PyBuffer_FromContiguous(long view, long buf, long len, byte order);

    int PyBuffer_FillInfo(long view, long exporter, long buf, long len, int readonly, int flags);

    // --- str, int, float, bool -------------------------------------------------------------------------------

    long PyUnicode_FromStringAndSize(long utf8, long size);

    /** Borrowed UTF-8 buffer cached in the string; {@code psize} may be 0. */
    long PyUnicode_AsUTF8AndSize(long s, long psize);

    long PyUnicode_GetLength(long s);

    /** A code point, or {@code (Py_UCS4)-1} (0xFFFFFFFF as an int) with an exception set. */
    int PyUnicode_ReadChar(long s, long index);

    long PyLong_FromLongLong(long v);

    long PyLong_FromUnsignedLongLong(long v);

    long PyLong_AsLongLong(long o);

    long PyLong_AsLongLongAndOverflow(long o, long poverflow);

    long PyLong_AsUnsignedLongLong(long o);

    long PyLong_FromString(long str, long pend, int base);

    long PyFloat_FromDouble(double v);

    double PyFloat_AsDouble(long o);

    long PyBool_FromLong(long v);

    // --- list, tuple, dict -----------------------------------------------------------------------------------

    long PyList_New(long size);

    long PyList_Size(long list);

    /** Borrowed. */
    long PyList_GetItem(long list, long index);

    /** Steals {@code item}. */
    int PyList_SetItem(long list, long index, long item);

    int PyList_Append(long list, long item);

    long PyTuple_New(long size);

    long PyTuple_Size(long tuple);

    /** Borrowed. */
    long PyTuple_GetItem(long tuple, long index);

    /** Steals {@code item}. */
    int PyTuple_SetItem(long tuple, long index, long item);

    long PyDict_New();

    long PyDict_Copy(long dict);

    int PyDict_SetItem(long dict, long key, long value);

    int PyDict_DelItem(long dict, long key);

    /** Borrowed; no exception set when missing. */
    long PyDict_GetItemString(long dict, long key);

    long PyDict_Size(long dict);

    /** Borrowed key and value written to {@code *pkey}, {@code *pvalue}. */
    int PyDict_Next(long dict, long ppos, long pkey, long pvalue);

    // --- modules, functions, types ---------------------------------------------------------------------------

    /** A builtin function object from a {@code PyMethodDef} (which must outlive it). */
    long PyCFunction_NewEx(long ml, long self, long module);

    long PyModule_New(long name);

    /** Borrowed: {@code sys.modules}. */
    long PyImport_GetModuleDict();

    int PyDict_SetItemString(long dict, long key, long value);

    /** A str from code units of 1, 2 or 4 bytes; the result has the canonical (smallest) kind. */
    long PyUnicode_FromKindAndData(int kind, long buffer, long size);

    long PyObject_Type(long o);

    int PyObject_IsInstance(long o, long cls);

    long PyErr_NewException(long name, long base, long dict);

    /**
     * A C function pointer of type {@code PyObject *(*)(PyObject *self, PyObject *args, PyObject *kwargs)} (a
     * {@code METH_VARARGS | METH_KEYWORDS} function) that calls {@code target}. The stub lives as long as the process.
     * Whatever {@code target} throws is caught at the boundary and raised as a Python {@code SystemError}: nothing
     * unwinds through C frames (with FFM that would end the JVM).
     */
    long upcallStub(PyCFunctionTarget target);

    /**
     * Runs {@code action} on this thread under a native frame (a C function that calls back into Java), returning
     * when it returns and rethrowing what it throws. A virtual thread cannot unmount while a native frame is on its
     * stack (on every JDK since 21, JEP 491 included), so it stays on its carrier for the whole action: what it
     * takes per OS thread, such as the GIL, cannot be seen or released by another virtual thread on that carrier.
     */
    void runPinned(Runnable action);

    // --- Python's allocators ---------------------------------------------------------------------------------

    long PyMem_Malloc(long size);

    long PyMem_Calloc(long nelem, long elsize);

    long PyMem_Realloc(long p, long size);

    void PyMem_Free(long p);

    long PyMem_RawMalloc(long size);

    long PyMem_RawCalloc(long nelem, long elsize);

    long PyMem_RawRealloc(long p, long size);

    void PyMem_RawFree(long p);
}
