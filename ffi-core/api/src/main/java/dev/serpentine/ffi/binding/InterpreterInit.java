package dev.serpentine.ffi.binding;

/**
 * CPython's initialization through {@code PyConfig} (PEP 587): unlike {@code Py_InitializeEx}, which calls
 * {@code exit()} on a fatal error, {@code Py_InitializeFromConfig} returns a {@code PyStatus} that says what failed.
 * These functions may be called before CPython is initialized.
 *
 * <p>The structs live in memory from libc's allocator, never {@code PyMem_Raw*}: pre-initialization may switch
 * Python's allocators ({@code PYTHONMALLOC}), and a block would then be freed by another allocator than its own.
 */
public interface InterpreterInit {

    /** {@code sizeof(PyStatus)}, returned by value: {@code _type} at 0, {@code func} 8, {@code err_msg} 16, {@code exitcode} 24. */
    int PYSTATUS_SIZE = 32;

    /** libc {@code calloc(1, size)}; 0 when out of memory. */
    long calloc(long size);

    /** libc {@code free}. */
    void free(long address);

    void PyConfig_InitPythonConfig(long config);

    void PyConfig_InitIsolatedConfig(long config);

    /** {@code *status = Py_InitializeFromConfig(config)}: {@code status} points to {@link #PYSTATUS_SIZE} bytes. */
    void Py_InitializeFromConfig(long config, long status);

    void PyConfig_Clear(long config);

    /**
     * The thread state attached to this thread, or 0 — without the fatal error of {@code PyThreadState_Get}: 3.13's
     * {@code PyThreadState_GetUnchecked}, before it {@code _PyThreadState_UncheckedGet}. Tells how far a failed
     * initialization got (a thread state exists once the core is up) and whether this thread holds the GIL.
     */
    long PyThreadState_GetUnchecked();
}
