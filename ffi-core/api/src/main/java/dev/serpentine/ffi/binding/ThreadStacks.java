package dev.serpentine.ffi.binding;

/**
 * The native stack of the calling OS thread, and CPython 3.14's knowledge of it: what the bridge needs so that Python
 * never runs deeper than the stack it runs on (Java threads have 1 MB stacks; CPython sizes its limits for 8 MB).
 */
public interface ThreadStacks {

    /** {@code PyUnstable_ThreadState_SetStackProtection}'s result when libpython does not export it (before 3.14.1). */
    int UNSUPPORTED = -2;

    /** {@code pthread_self()}: the OS thread running the caller (for a virtual thread, its carrier). */
    long currentThread();

    /**
     * The calling OS thread's stack ({@code pthread_getattr_np}): {@code {lowest address, size in bytes}}, or null
     * when the system cannot tell.
     */
    long[] currentStack();

    /**
     * {@code PyUnstable_ThreadState_SetStackProtection(tstate, start, size)} (3.14.1+; GIL held): Python raises
     * {@code RecursionError} before its C stack reaches {@code start}. 0, -1 with a Python error set, or
     * {@link #UNSUPPORTED}.
     */
    int setStackProtection(long threadState, long start, long size);
}
