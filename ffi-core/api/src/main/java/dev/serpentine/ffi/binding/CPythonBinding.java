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
 * {@link #unsetenv}, {@link #Py_IsInitialized}, {@link #Py_GetVersion}, {@link #interpreterInit} and the
 * {@code PyMem_Raw*} functions before the interpreter is initialized; hold the GIL for everything else.
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

    /** CPython's {@code PyConfig} initialization functions, callable before the interpreter is initialized. */
    InterpreterInit interpreterInit();

    /** The calling thread's native stack, and CPython's limits on it. */
    ThreadStacks threadStacks();

    /** libc {@code setenv(name, value, 1)}: visible to CPython's {@code getenv}, unlike Java's environment. */
    void setenv(String name, String value);

    /** libc {@code unsetenv(name)}. */
    void unsetenv(String name);

    /**
     * {@code dlsym(RTLD_DEFAULT, name)}: a symbol anywhere in the process's global scope (the JVM, preloaded
     * libraries such as the JDK's {@code libjsig}), or 0. Callable before libpython is loaded.
     */
    long processSymbol(String name);

    // --- libc, reached through libpython's dependencies ------------------------------------------------------

    /**
     * libc's {@code sigaction}, bound through libpython's dependencies: the C library's own, never an interposed one
     * (the JDK's {@code libjsig}, when preloaded, interposes the one Python's modules call). {@code act} and
     * {@code oldact} point to {@code struct sigaction} or are 0; 0, or -1 with {@code errno} set.
     */
    @CFunction // called a few times per process: not worth arguing critical
    int sigaction(int signum, long act, long oldact);

    // --- lifecycle and threads -------------------------------------------------------------------------------

    @CFunction
    void Py_InitializeEx(int initsigs);

    @CFunction
    int Py_IsInitialized();

    /** {@code const char*}, valid for the life of the process; callable before initialization. */
    @CFunction
    long Py_GetVersion();

    @CFunction
    long PyEval_SaveThread();

    @CFunction
    void PyEval_RestoreThread(long tstate);

    @CFunction
    int PyGILState_Ensure();

    @CFunction
    void PyGILState_Release(int state);

    @CFunction(critical = true) // reads the thread state; takes no lock
    int PyGILState_Check();

    @CFunction(critical = true) // reads a thread-specific key; takes no lock
    long PyGILState_GetThisThreadState();

    @CFunction(critical = true) // reads one field of the interpreter
    int Py_GetRecursionLimit();

    // --- references and errors -------------------------------------------------------------------------------

    @CFunction(critical = true) // one increment; never frees
    void Py_IncRef(long o);

    @CFunction // not critical: may free the object and run __del__
    void Py_DecRef(long o);

    /**
     * {@code Py_DecRef} as a critical call, for an object whose deallocation runs no Python code (a str, int or float,
     * or a list or dict of such objects) or that another reference keeps alive: then the call is a leaf.
     */
    @CFunction(symbol = "Py_DecRef", critical = true)
    void Py_DecRefLeaf(long o);

    @CFunction(critical = true) // reads the thread state
    long PyErr_Occurred();

    @CFunction
    void PyErr_Fetch(long ptype, long pvalue, long ptraceback);

    @CFunction
    void PyErr_NormalizeException(long ptype, long pvalue, long ptraceback);

    @CFunction
    void PyErr_Restore(long type, long value, long traceback);

    @CFunction
    void PyErr_Clear();

    @CFunction
    void PyErr_SetString(long type, long message);

    /** Raises {@code type} with {@code value} (neither is stolen); {@code value} may be an instance or 0. */
    @CFunction
    void PyErr_SetObject(long type, long value);

    /** Sets {@code exception.__cause__} (and {@code __suppress_context__}); steals {@code cause}, which may be 0. */
    @CFunction // not critical: drops the previous cause, which may run its __del__
    void PyException_SetCause(long exception, long cause);

    /**
     * Counts a nested C-level call against the recursion limit: 0, or nonzero (not always -1) with
     * {@code RecursionError} set, its message ending with the C string {@code where}. Balance every 0 with one
     * {@link #Py_LeaveRecursiveCall}. CPython 3.9–3.13
     * count calls; 3.14 compares the C stack pointer with the thread's stack limit instead.
     */
    @CFunction // not critical: creates the RecursionError
    int Py_EnterRecursiveCall(long where);

    @CFunction(critical = true) // one counter update (nothing at all on 3.14); no error path
    void Py_LeaveRecursiveCall();

    // --- running code and objects ----------------------------------------------------------------------------

    @CFunction
    long PyRun_StringFlags(long code, int start, long globals, long locals, long flags);

    @CFunction
    long PyImport_ImportModule(long name);

    /**
     * The C pointer of the capsule named by the C string {@code name} ({@code "module.attribute"}, e.g.
     * {@code "datetime.datetime_CAPI"}), importing the module; 0 with an exception set. {@code noBlock} is ignored
     * since CPython 3.3.
     */
    @CFunction
    long PyCapsule_Import(long name, int noBlock);

    /**
     * The pointer held by {@code capsule} if it is a capsule whose name equals the C string {@code name} (0: an
     * unnamed capsule, as numpy's {@code __array_struct__}); else 0 with ValueError set. Checks the type first, so
     * any object may be passed.
     */
    @CFunction
    long PyCapsule_GetPointer(long capsule, long name);

    /** Borrowed. */
    @CFunction
    long PyImport_AddModule(long name);

    /** Borrowed. */
    @CFunction
    long PyModule_GetDict(long module);

    @CFunction
    long PyObject_GetAttrString(long o, long name);

    /** {@code o.name} for a str {@code name}: a new reference, or 0 with an exception set. */
    @CFunction
    long PyObject_GetAttr(long o, long name);

    @CFunction
    int PyObject_SetAttrString(long o, long name, long value);

    @CFunction
    long PyObject_Str(long o);

    @CFunction
    long PyObject_Repr(long o);

    @CFunction
    long PyObject_Hash(long o);

    @CFunction
    long PyObject_Call(long callable, long args, long kwargs);

    @CFunction
    long PyObject_CallObject(long callable, long args);

    @CFunction
    int PyObject_IsTrue(long o);

    @CFunction(critical = true) // reads tp_flags
    long PyType_GetFlags(long type);

    @CFunction(critical = true) // walks the MRO tuple (or tp_base chain); runs no __subclasscheck__
    int PyType_IsSubtype(long a, long b);

    // --- bytes, bytearray, memoryview, buffers ---------------------------------------------------------------

    @CFunction // not critical: a negative size creates a SystemError; called once per result, so nothing to gain
    long PyBytes_FromStringAndSize(long data, long size);

    @CFunction
    long PyBytes_AsString(long o);

    @CFunction
    long PyBytes_Size(long o);

    /**
     * Resizes the bytes object at {@code *pbytes} (a {@code PyObject**}), which should be new (reference count 1, e.g.
     * from {@code PyBytes_FromStringAndSize(0, n)}), keeping its content up to the shorter length; {@code *pbytes} may
     * change. 0, or -1 with an exception set and {@code *pbytes} released and set to 0. A shared one: CPython 3.9–3.12
     * fail with {@code SystemError}, 3.13+ resize a copy; either way the reference in {@code *pbytes} is consumed.
     */
    @CFunction // not critical: its error path releases the object and creates an exception
    int _PyBytes_Resize(long pbytes, long newsize);

    @CFunction
    long PyByteArray_FromStringAndSize(long data, long size);

    @CFunction
    long PyByteArray_AsString(long o);

    @CFunction
    long PyByteArray_Size(long o);

    @CFunction
    int PyByteArray_Resize(long o, long size);

    @CFunction
    long PyMemoryView_FromObject(long o);

    /** A memoryview over a caller-filled {@code Py_buffer} (copied; {@code obj} is not referenced). */
    @CFunction
    long PyMemoryView_FromBuffer(long view);

    @CFunction
    int PyObject_GetBuffer(long exporter, long view, int flags);

    @CFunction
    void PyBuffer_Release(long view);

    @CFunction(critical = true) // arithmetic on the Py_buffer's shape and strides
    int PyBuffer_IsContiguous(long view, byte order);

    @CFunction(critical = true) // arithmetic on the Py_buffer's strides and suboffsets
    long PyBuffer_GetPointer(long view, long indices);

    @CFunction
    int PyBuffer_ToContiguous(long buf, long view, long len, byte order);

    @CFunction
    int PyBuffer_FromContiguous(long view, long buf, long len, byte order);

    @CFunction
    int PyBuffer_FillInfo(long view, long exporter, long buf, long len, int readonly, int flags);

    // --- str, int, float, bool -------------------------------------------------------------------------------

    @CFunction
    long PyUnicode_FromStringAndSize(long utf8, long size);

    /**
     * A new str of {@code size} code points, not yet filled, of the kind {@code maxchar} calls for (1 byte per code
     * point up to 0xFF, 2 up to 0xFFFF, 4 above); fill every code point, none above {@code maxchar}, before the str
     * is used. Size 0 returns the shared empty string: write nothing into it.
     */
    // critical: str is not GC-tracked, so this is one PyObject_Malloc. The ranges keep arguments off the SystemError
    // paths (negative size, maxchar above 0x10FFFF) and off the size overflow check: what remains is a failing
    // malloc, as for PyLong_FromLongLong. (At most a Java String's length.)
    @CFunction(critical = true)
    long PyUnicode_New(@CFunction.Range(min = 0, max = Integer.MAX_VALUE) long size,
                       @CFunction.Range(min = 0, max = 0x10FFFF) int maxchar);

    /** Borrowed UTF-8 buffer cached in the string; {@code psize} may be 0. */
    @CFunction
    long PyUnicode_AsUTF8AndSize(long s, long psize);

    @CFunction
    long PyUnicode_GetLength(long s);

    /** A code point, or {@code (Py_UCS4)-1} (0xFFFFFFFF as an int) with an exception set. */
    @CFunction
    int PyUnicode_ReadChar(long s, long index);

    @CFunction(critical = true) // int is not GC-tracked: a small-int cache hit or one PyObject_Malloc; the only error is out of memory
    long PyLong_FromLongLong(long v);

    @CFunction(critical = true) // as PyLong_FromLongLong
    long PyLong_FromUnsignedLongLong(long v);

    @CFunction
    long PyLong_AsLongLong(long o);

    @CFunction
    long PyLong_AsLongLongAndOverflow(long o, long poverflow);

    @CFunction
    long PyLong_AsUnsignedLongLong(long o);

    @CFunction
    long PyLong_FromString(long str, long pend, int base);

    @CFunction(critical = true) // float is not GC-tracked: a free-list entry or one PyObject_Malloc; the only error is out of memory
    long PyFloat_FromDouble(double v);

    @CFunction
    double PyFloat_AsDouble(long o);

    @CFunction(critical = true) // returns Py_True or Py_False with one increment
    long PyBool_FromLong(long v);

    // --- list, tuple, dict -----------------------------------------------------------------------------------

    @CFunction // not critical: list is GC-tracked, and on 3.9–3.11 a GC allocation may run a collection (__del__)
    long PyList_New(long size);

    @CFunction
    long PyList_Size(long list);

    /** Borrowed. */
    @CFunction
    long PyList_GetItem(long list, long index);

    /** Steals {@code item}. */
    @CFunction
    int PyList_SetItem(long list, long index, long item);

    @CFunction
    int PyList_Append(long list, long item);

    @CFunction // not critical: as PyList_New
    long PyTuple_New(long size);

    @CFunction
    long PyTuple_Size(long tuple);

    /** Borrowed. */
    @CFunction
    long PyTuple_GetItem(long tuple, long index);

    /** Steals {@code item}. */
    @CFunction
    int PyTuple_SetItem(long tuple, long index, long item);

    @CFunction
    long PyDict_New();

    /**
     * A new empty dict sized for {@code minused} entries without resizing ({@code _PyDict_NewPresized}: private but
     * exported by every CPython 3.9–3.14; a plain {@code PyDict_New} for small or huge sizes).
     */
    @CFunction // not critical: dict is GC-tracked, and on 3.9–3.11 a GC allocation may run a collection (__del__)
    long _PyDict_NewPresized(long minused);

    @CFunction
    long PyDict_Copy(long dict);

    @CFunction
    int PyDict_SetItem(long dict, long key, long value);

    /**
     * {@code PyDict_SetItem} as a critical call, for a caller filling a dict it made with {@code _PyDict_NewPresized}
     * for at least this many entries: keys exact {@code str}s, values objects whose deallocation runs no Python code
     * (str, int, float, bool, None, and lists and dicts of them). Then the call is a leaf: str hashing and comparison
     * are C, the table never resizes, and a duplicate key frees only such a value.
     */
    @CFunction(symbol = "PyDict_SetItem", critical = true)
    int PyDict_SetItemLeaf(long dict, long key, long value);

    @CFunction
    int PyDict_DelItem(long dict, long key);

    /** Borrowed; no exception set when missing. */
    @CFunction
    long PyDict_GetItemString(long dict, long key);

    @CFunction
    long PyDict_Size(long dict);

    /** Borrowed key and value written to {@code *pkey}, {@code *pvalue}. */
    @CFunction(critical = true) // reads the entry table; no hashing, no comparison, no error (0 for a non-dict)
    int PyDict_Next(long dict, long ppos, long pkey, long pvalue);

    // --- modules, functions, types ---------------------------------------------------------------------------

    /** A builtin function object from a {@code PyMethodDef} (which must outlive it). */
    @CFunction
    long PyCFunction_NewEx(long ml, long self, long module);

    @CFunction
    long PyModule_New(long name);

    /** Borrowed: {@code sys.modules}. */
    @CFunction
    long PyImport_GetModuleDict();

    @CFunction
    int PyDict_SetItemString(long dict, long key, long value);

    /** A str from code units of 1, 2 or 4 bytes; the result has the canonical (smallest) kind. */
    @CFunction
    long PyUnicode_FromKindAndData(int kind, long buffer, long size);

    @CFunction
    long PyObject_Type(long o);

    @CFunction
    int PyObject_IsInstance(long o, long cls);

    @CFunction
    long PyErr_NewException(long name, long base, long dict);

    /**
     * A C function pointer of type {@code PyObject *(*)(PyObject *self, PyObject *args, PyObject *kwargs)} (a
     * {@code METH_VARARGS | METH_KEYWORDS} function) that calls {@code target}. The stub lives as long as the process.
     * Whatever {@code target} throws is caught at the boundary and raised as a Python {@code SystemError}: nothing
     * unwinds through C frames (with FFM that would end the JVM).
     */
    long upcallStub(PyCFunctionTarget target);

    /**
     * A C function pointer of type {@code PyObject *(*)(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
     * PyObject *kwnames)} (a {@code METH_FASTCALL | METH_KEYWORDS} function: no argument tuple or dict is built) that
     * calls {@code target}. Lives as long as the process; a throw is raised as {@code SystemError}, as for
     * {@link #upcallStub}.
     */
    long upcallStubFastcall(PyCFunctionFastTarget target);

    /**
     * A C function pointer of type {@code PyObject *(*)(PyObject *self, PyObject *arg)} (a {@code METH_O} function)
     * that calls {@code target}. Lives as long as the process; a throw is raised as {@code SystemError}, as for
     * {@link #upcallStub}.
     */
    long upcallStubO(PyCFunctionOTarget target);

    /**
     * Runs {@code action} on this thread under a native frame (a C function that calls back into Java), returning
     * when it returns and rethrowing what it throws. A virtual thread cannot unmount while a native frame is on its
     * stack (on every JDK since 21, JEP 491 included), so it stays on its carrier for the whole action: what it
     * takes per OS thread, such as the GIL, cannot be seen or released by another virtual thread on that carrier.
     */
    void runPinned(Runnable action);

    // --- Python's allocators ---------------------------------------------------------------------------------

    @CFunction
    long PyMem_Malloc(long size);

    @CFunction
    long PyMem_Calloc(long nelem, long elsize);

    @CFunction
    long PyMem_Realloc(long p, long size);

    @CFunction
    void PyMem_Free(long p);

    @CFunction
    long PyMem_RawMalloc(long size);

    @CFunction
    long PyMem_RawCalloc(long nelem, long elsize);

    @CFunction
    long PyMem_RawRealloc(long p, long size);

    @CFunction
    void PyMem_RawFree(long p);
}
