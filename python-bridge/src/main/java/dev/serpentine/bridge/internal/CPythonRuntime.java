package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.AbiInfo;
import dev.serpentine.bridge.GilTask;
import dev.serpentine.bridge.GilTimeoutException;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.BuildFlavour;
import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.PythonVersion;
import dev.serpentine.ffi.SerpentineException;
import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.abi.AbiSelector;
import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.GilOwnership;
import dev.serpentine.ffi.binding.RunningInterpreter;
import dev.serpentine.ffi.binding.StackReserve;
import dev.serpentine.ffi.view.CPythonViews;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime over the process's running interpreter: GIL entry for any thread, the GIL executor, references, the
 * views of the currently bound ABI bundle, and the {@code serpentine} Python module.
 */
public final class CPythonRuntime implements PythonRuntime {

    private static References references;
    /** The binding the GIL is taken through (one per process: every runtime runs on the same interpreter). */
    private static volatile CPythonBinding binding;
    /** {@code __main__}'s dict, owned: user code may drop the module ({@code del sys.modules['__main__']}). */
    private static long mainDict;
    /** System property: how deeply one thread may nest the bridge's GIL scopes (tasks and upcalls), default 64. */
    static final String NESTING_LIMIT = "serpentine.nesting.limit";
    /**
     * Each Python → Java → Python round trip costs native and Java stack (about 6 KB on a 1 MB thread, where FFM
     * ends the JVM past ~160 round trips: a StackOverflowError escaping an upcall). 64 scopes are 32 round trips.
     */
    private static final int MAX_DEPTH = Math.max(2, Integer.getInteger(NESTING_LIMIT, 64));
    /** Virtual threads wait here, unmounted, for their turn to be pinned and take the GIL (see callPinned). */
    private static final ReentrantLock VIRTUAL_GATE = new ReentrantLock(true);

    private final RunningInterpreter interpreter;
    private final CPythonBinding py;
    private final References refs;
    private volatile CPythonViews views;
    private volatile GilExecutor executor;
    /** Guards the executor's creation only: never held while waiting for the GIL (rebind holds {@code this} so). */
    private final Object executorLock = new Object();
    private volatile boolean shutdown;

    CPythonRuntime(RunningInterpreter interpreter, CPythonViews views) {
        this.interpreter = interpreter;
        this.py = interpreter.binding();
        this.views = views;
        synchronized (CPythonRuntime.class) {
            if (references == null) references = new References(py, views.abi().layout());
            this.refs = references;
            if (binding == null) binding = py;
        }
        callHere(python -> {
            if (mainDict == 0) mainDict = lookUpMainDict();
            SerpentineModule.install(this, (PythonScope) python);
            return null;
        });
        ActiveRuntime.set(this);
    }

    /** A new reference to {@code __main__}'s dict, kept for the life of the process. */
    private long lookUpMainDict() {
        long name = CStrings.allocate(py, "__main__");
        try {
            long module = py.PyImport_AddModule(name); // borrowed
            if (module == 0) throw interpreter.error("__main__");
            long dict = py.PyModule_GetDict(module); // borrowed: lives only as long as the module
            py.Py_IncRef(dict);
            return dict;
        } finally {
            CStrings.free(py, name);
        }
    }

    /** Binds the best of {@code candidates} after verifying it; on failure the current binding stays. */
    synchronized void rebind(Collection<? extends CPythonAbi> candidates) {
        views = AbiSelector.bind(interpreter, candidates);
    }

    public RunningInterpreter interpreter() {
        return interpreter;
    }

    /** The typed views through the bound ABI; read once per operation. */
    public CPythonViews views() {
        return views;
    }

    References references() {
        return refs;
    }

    long mainDict() {
        return mainDict;
    }

    private void checkRunning() {
        if (shutdown) {
            throw new InterpreterUnavailableException("this Python runtime has been shut down; CPython stays"
                    + " initialized but is never re-initialized — start() attaches a new runtime to it");
        }
    }

    @Override
    public <T> T call(GilTask<T> task) {
        checkRunning();
        if (Threads.isVirtual(Thread.currentThread()) && !holdsGil()) return callPinned(task);
        return callHere(task);
    }

    /**
     * Runs {@code task} on this virtual thread, pinned to its carrier from before the GIL is taken until after it is
     * released: the GIL belongs to the carrier's OS thread, so an unmounted virtual thread must never hold it (another
     * virtual thread on that carrier would find it taken and nest into it; the task could resume on another carrier).
     * Virtual threads queue for the GIL one at a time on {@link #VIRTUAL_GATE}, unmounted: a carrier pinned while
     * blocking in {@code PyGILState_Ensure} is lost to the scheduler, and with all of them lost a GIL holder waiting
     * for some virtual thread would wait forever.
     */
    @SuppressWarnings("unchecked")
    private <T> T callPinned(GilTask<T> task) {
        StackReserve.check(GATE_RESERVE); // an overflow in the finally below would leave the gate locked for good
        try {
            VIRTUAL_GATE.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the GIL");
        }
        try {
            Object[] result = new Object[1];
            py.runPinned(() -> result[0] = callHere(task));
            return (T) result[0];
        } finally {
            VIRTUAL_GATE.unlock();
        }
    }

    @Override
    public <T> T call(GilTask<T> task, Duration timeout) {
        checkRunning();
        // A thread that holds the GIL already (a nested call) runs the task itself: a worker would wait for the GIL
        // this thread holds while this thread waits for the worker, until the timeout.
        if (holdsGil()) return callHere(task);
        return await(submit(task), timeout);
    }

    @Override
    public <T> CompletableFuture<T> submit(GilTask<T> task) {
        checkRunning();
        return executor().submit(task);
    }

    private GilExecutor executor() {
        GilExecutor e = executor;
        if (e == null) {
            synchronized (executorLock) {
                e = executor;
                if (e == null) executor = e = new GilExecutor(this);
            }
        }
        return e;
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout) {
        try {
            return timeout == null ? future.get() : future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new GilTimeoutException("no GIL within " + timeout + "; the task was cancelled if it had not started");
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the GIL");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new SerpentineException("a GIL task failed: " + cause, cause);
        }
    }

    /** Whether this thread holds the GIL inside one of the bridge's scopes (a task or an upcall). */
    static boolean holdsGil() {
        return GilOwnership.holds();
    }

    /**
     * Runs {@code action} with the GIL released if this thread holds it, as C code does around a blocking call
     * ({@code Py_BEGIN_ALLOW_THREADS}): for waiting on a Java lock whose holder may itself be waiting for the GIL.
     * {@code action} may take the GIL again; on return this thread holds it as before.
     */
    static <T> T withGilReleased(java.util.function.Supplier<T> action) {
        CPythonBinding py = binding;
        if (py == null || !holdsGil()) return action.get();
        long threadState = py.PyEval_SaveThread();
        try {
            return action.get();
        } finally {
            py.PyEval_RestoreThread(threadState);
        }
    }

    /** Whether one more GIL scope on this thread would nest deeper than the limit. */
    static boolean nestingExceeded() {
        return GilOwnership.depth() >= MAX_DEPTH;
    }

    /** Refuses a scope nested too deep: a RecursionError for Python callers, before the stack runs out. */
    static PythonException tooDeep() {
        return new PythonException("RecursionError", "Python and Java call each other more than " + MAX_DEPTH / 2
                + " times deep on this thread (" + MAX_DEPTH + " nested GIL scopes); raise -D" + NESTING_LIMIT
                + " only for threads with larger stacks", "");
    }

    /**
     * Counts an upcall's GIL scope on this thread (Python called Java, so the GIL is held): the count to decrement
     * when the upcall returns ({@code scopes[0]--}), or null when one more scope would nest too deep.
     */
    static int[] enterUpcallScope() {
        return GilOwnership.enterBelow(MAX_DEPTH);
    }

    /**
     * Marks this thread as holding the GIL (right after taking it) or not (right before releasing it), in ffi-core's
     * {@link GilOwnership}, where the allocator and the buffer API check it (PyGILState_Check answers 1 on every
     * thread once a sub-interpreter has been created).
     */
    static void gilScope(int delta) {
        if (delta > 0) GilOwnership.enter();
        else GilOwnership.exit();
    }

    /**
     * Runs {@code task} on this thread with the GIL ({@code PyGILState_Ensure}; nesting is fine): a platform thread,
     * or a virtual thread pinned by {@link #callPinned}.
     */
    <T> T callHere(GilTask<T> task) {
        if (nestingExceeded()) throw tooDeep();
        // Between taking the GIL and the try that gives it back nothing may throw, not even a StackOverflowError:
        // everything that calls a method is done before, only an array store happens between, and the release path
        // needs less stack than the reserve checked here while nothing is held yet.
        int[] depth = GilOwnership.scopes();
        PythonScope scope = new PythonScope(this);
        boolean outermost = depth[0] == 0;
        AbiLayout layout = views.abi().layout();
        StackReserve.check(RELEASE_RESERVE);
        int state = py.PyGILState_Ensure();
        depth[0]++;
        long[] budget = null;
        try {
            if (outermost) budget = StackBudget.enter(py, layout);
            refs.drain();
            GilOwnership.releaseDeferred();
            return task.call(scope);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new SerpentineException("a GIL task failed: " + e, e);
        } finally {
            try {
                if (budget != null) StackBudget.exit(py, budget);
            } finally {
                depth[0]--;
                scope.open = false;
                py.PyGILState_Release(state);
            }
        }
    }

    /** Frames of {@link StackReserve} checked before the GIL is taken: deeper than the release path. */
    private static final int RELEASE_RESERVE = 16;
    /** Frames checked before a virtual thread takes {@link #VIRTUAL_GATE}: deeper than its unlock path. */
    private static final int GATE_RESERVE = 16;

    @Override
    public long liveHandles() {
        return refs.live();
    }

    @Override
    public void shutdown() {
        if (shutdown) return;
        shutdown = true;
        ActiveRuntime.clear(this);
        GilExecutor e = executor;
        if (e != null) e.shutdown();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public PythonVersion version() {
        return interpreter.version();
    }

    @Override
    public BuildFlavour flavour() {
        return interpreter.flavour();
    }

    @Override
    public CPythonInstallation installation() {
        return interpreter.installation();
    }

    @Override
    public String backend() {
        return py.backendName();
    }

    @Override
    public AbiInfo abi() {
        CPythonAbi abi = views.abi();
        return new AbiInfo(abi.tag(), abi.flavour(), abi.bundleVersion());
    }

    @Override
    public String toString() {
        return "CPython " + version() + " (" + flavour() + "), ABI " + abi() + ", backend " + backend();
    }
}
