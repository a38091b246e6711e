package dev.serpentine.bridge.internal;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.ThreadStacks;

/**
 * Keeps Python from running deeper than the stack of the thread it runs on. CPython sizes its C recursion limits for
 * 8 MB stacks; a Java thread has 1 MB (often less), and a C recursion that runs off its end kills the JVM, as does an
 * upcall that starts with too little stack for the JVM's own frames. So on each outermost entry into Python, this
 * narrows the thread's limit to the stack it really has, minus what the JVM needs below and above:
 * <ul>
 *   <li>3.14: {@code PyUnstable_ThreadState_SetStackProtection}, where CPython measures the stack pointer itself;</li>
 *   <li>3.9–3.13: the thread state's recursion counter, clamped to the levels that fit at the most C stack one
 *       level was measured to take (a layout fact of the ABI bundle), and given back on exit.</li>
 * </ul>
 * Python then raises {@code RecursionError} where it would have crashed.
 */
final class StackBudget {

    /**
     * Kept free at the stack's end: the JVM's guard zones (4 pages) and shadow zone (20 pages, which every Java
     * method entry probes, an upcall's first one too), and room for the Java work of an upcall.
     */
    static final long BOTTOM_RESERVE = Long.getLong("serpentine.stack.reserve", 128 * 1024);
    /** Assumed taken already when a thread enters Python: the Java frames below its {@code runtime.call}. */
    static final long ENTRY_ALLOWANCE = 32 * 1024;

    /**
     * Per thread: {pthread_self, stack low address, stack size, the counter's address, the adjustment to give back}.
     */
    private static final ThreadLocal<long[]> THREAD = ThreadLocal.withInitial(() -> new long[5]);

    private StackBudget() {
    }

    /** The levels of {@code unitBytes} that fit in a stack of {@code size} bytes once the reserves are taken off. */
    static int levels(long size, int unitBytes) {
        long usable = Math.max(0, size - BOTTOM_RESERVE - ENTRY_ALLOWANCE);
        return (int) Math.min(Integer.MAX_VALUE, usable / unitBytes);
    }

    /**
     * Narrows this thread's limit (GIL held, outermost scope); returns what {@link #exit} needs to undo it: no
     * thread-local lookup on the way out, where the GIL is still to be released.
     */
    static long[] enter(CPythonBinding py, AbiLayout layout) {
        long[] thread = THREAD.get();
        ThreadStacks stacks = py.threadStacks();
        long self = stacks.currentThread();
        if (thread[0] != self) { // a new thread, or a virtual thread on another carrier
            long[] stack = stacks.currentStack();
            thread[0] = self;
            thread[1] = stack == null ? 0 : stack[0];
            thread[2] = stack == null ? 0 : stack[1];
        }
        thread[4] = 0;
        if (thread[2] == 0) return thread; // the system did not tell: CPython's own limits stay
        long threadState = py.PyGILState_GetThisThreadState();
        if (threadState == 0) return thread;
        switch (layout.stackGuard) {
            case STACK_PROTECTION -> {
                long start = thread[1] + BOTTOM_RESERVE;
                if (stacks.setStackProtection(threadState, start, Math.max(0, thread[2] - BOTTOM_RESERVE)) == -1) {
                    py.PyErr_Clear(); // a stack too small to protect: CPython keeps its own limits
                }
            }
            case REMAINING -> {
                NativeMemory mem = py.memory();
                long counter = threadState + layout.stackGuardCounter;
                int remaining = mem.getInt(counter);
                int levels = levels(thread[2], layout.stackGuardUnitBytes);
                if (remaining > levels) {
                    mem.putInt(counter, levels);
                    thread[3] = counter;
                    thread[4] = remaining - levels;
                }
            }
            case DEPTH -> {
                NativeMemory mem = py.memory();
                long counter = threadState + layout.stackGuardCounter;
                int depth = mem.getInt(counter);
                int floor = py.Py_GetRecursionLimit() - levels(thread[2], layout.stackGuardUnitBytes);
                if (depth < floor) {
                    mem.putInt(counter, floor);
                    thread[3] = counter;
                    thread[4] = depth - floor; // negative: a depth counter gives back by going down
                }
            }
        }
        return thread;
    }

    /** Gives the counter back what {@link #enter} took (GIL held, before the outermost scope releases it). */
    static void exit(CPythonBinding py, long[] thread) {
        if (thread[4] == 0) return;
        NativeMemory mem = py.memory();
        mem.putInt(thread[3], (int) (mem.getInt(thread[3]) + thread[4]));
        thread[4] = 0;
    }
}
