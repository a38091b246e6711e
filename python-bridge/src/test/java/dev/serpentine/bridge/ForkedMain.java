package dev.serpentine.bridge;

import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.bridge.platform.RuntimeInterpreter;
import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CPythonBinding;

import dev.serpentine.bridge.internal.InternalAccess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scenarios that run in a forked JVM (see {@link Fork}). Each prints {@code key=value} lines for the test to
 * check and exits 0 when it got to its end; anything unexpected escapes and exits non-zero.
 */
public final class ForkedMain {

    private ForkedMain() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "bad-paths" -> badPaths(List.of(args).subList(1, args.length));
            case "unsupported" -> unsupported(args[1]);
            case "faulthandler" -> faulthandler();
            case "signals" -> signals();
            case "shutdown" -> shutdown(args[1]);
            case "saturate" -> saturate();
            case "rebind-while-submitting" -> rebindWhileSubmitting();
            case "shutdown-inside-task" -> shutdownInsideTask();
            case "submit-shutdown-race" -> submitShutdownRace(Integer.parseInt(args[1]));
            case "subinterpreter" -> subinterpreter();
            case "deep-reentry" -> deepReentry(Long.parseLong(args[1]));
            case "deep-stack" -> deepStack(Long.parseLong(args[1]));
            default -> ForkedGilPaths.run(args);
        }
        System.out.println("end=reached");
        System.out.flush();
        System.exit(0);
    }

    static PythonRuntime.Builder configured() {
        return PythonRuntime.builder()
                .interpreter(System.getProperty("serpentine.test.python", ""))
                .backend(System.getProperty("serpentine.backend", ""));
    }

    static Object eval(PythonRuntime rt, String expression) {
        return rt.call(python -> {
            try (PyRef r = python.eval(expression)) {
                return python.toJava(r);
            }
        });
    }

    /** Whether CPython is initialized in this process, asked of the backend in use (no runtime may exist yet). */
    static boolean initialized() {
        CPythonBinding py = Backends.select(ForkedMain.class.getClassLoader(), System.getProperty("serpentine.backend", ""));
        return py.isLoaded() && py.Py_IsInitialized() != 0;
    }

    /** Each path is refused with InterpreterUnavailableException; then the configured interpreter still starts. */
    private static void badPaths(List<String> paths) {
        for (int i = 0; i < paths.size(); i++) {
            try {
                PythonRuntime rt = PythonRuntime.builder().interpreter(paths.get(i))
                        .backend(System.getProperty("serpentine.backend", "")).start();
                System.out.println("refused" + i + "=NOT REFUSED: " + rt);
            } catch (InterpreterUnavailableException e) {
                System.out.println("refused" + i + "=" + e.getMessage().replace('\n', ' '));
            }
            System.out.println("initialized" + i + "=" + initialized());
        }
        PythonRuntime rt = configured().start();
        System.out.println("started=" + eval(rt, "__import__('sys').version.split()[0]"));
    }

    /** An interpreter no ABI bundle is for: refused before CPython is loaded or initialized. */
    private static void unsupported(String python) {
        try {
            PythonRuntime rt = PythonRuntime.builder().interpreter(python)
                    .backend(System.getProperty("serpentine.backend", "")).start();
            System.out.println("refused=NOT REFUSED: " + rt);
        } catch (InterpreterUnavailableException e) {
            System.out.println("refused=" + e.getMessage().replace('\n', ' '));
        }
        System.out.println("initialized=" + initialized());
        PythonRuntime rt = configured().start();
        System.out.println("started=" + eval(rt, "__import__('sys').version.split()[0]"));
    }

    /**
     * With PYTHONFAULTHANDLER/PYTHONDEVMODE in the environment (set by the test): faulthandler stays off, and
     * JIT-compiled code whose null checks are implicit (SIGSEGV, handled by the JVM) keeps working.
     */
    private static void faulthandler() {
        PythonRuntime rt = configured().start();
        System.out.println("faulthandler=" + eval(rt, "__import__('faulthandler').is_enabled()"));
        System.out.println("devmode=" + eval(rt, "__import__('sys').flags.dev_mode"));
        System.out.println("npes=" + implicitNullChecks());
        System.out.println("after=" + eval(rt, "6 * 7"));
    }

    /**
     * Python code reaches for the JVM's signals the ways a library or pytest does: faulthandler.enable(), then
     * signal.signal, faulthandler.register, pthread_sigmask and siginterrupt on the JVM's signals, each answer
     * printed; then JIT-compiled implicit null checks (SIGSEGV, handled by the JVM) must keep working. Run with and
     * without the JDK's libjsig preloaded (the test sets LD_PRELOAD).
     */
    private static void signals() {
        PythonRuntime rt = configured().start();
        String report = rt.call(python -> {
            python.exec(SIGNAL_PROBES);
            try (PyRef r = python.eval("_signal_report()")) {
                return (String) python.toJava(r);
            }
        });
        System.out.println(report);
        System.out.println("npes=" + implicitNullChecks());
        // Enabled again from another thread; a method not yet compiled (C2 turns a null check that trapped too often
        // into an explicit one) traps afresh.
        Thread other = new Thread(() -> rt.call(python -> {
            python.exec("import faulthandler; faulthandler.disable(); faulthandler.enable(all_threads=False)");
            return null;
        }));
        other.start();
        try {
            other.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        int[] array = new int[5];
        long sum = 0;
        for (int i = 0; i < 200_000; i++) sum += width(array);
        int npes = 0;
        for (int i = 0; i < 20_000; i++) {
            try {
                sum += width(null);
            } catch (NullPointerException e) {
                npes++;
            }
        }
        System.out.println("npes.again=" + npes + " (" + sum + ")");
        System.out.println("after=" + eval(rt, "str((__import__('faulthandler').is_enabled(), 6 * 7))"));
    }

    private static final String SIGNAL_PROBES = """
            import faulthandler, signal, _signal, sys

            def _answer(f, *args):
                try:
                    f(*args)
                    return 'ok'
                except (ValueError, RuntimeError, OSError) as e:
                    return type(e).__name__ + ('(JVM)' if 'belongs to the JVM' in str(e) else '(' + str(e) + ')')

            def _signal_report():
                out = []
                faulthandler.enable()
                out.append('enabled=%s' % faulthandler.is_enabled())
                handler = lambda n, f: None
                before = sys.getrefcount(handler)
                for name in ('SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGPIPE', 'SIGUSR2', 'SIGQUIT'):
                    n = getattr(signal, name)
                    out.append('signal.%s=%s' % (name, _answer(signal.signal, n, handler)))
                    out.append('_signal.%s=%s' % (name, _answer(_signal.signal, int(n), int(signal.SIG_DFL))))
                    out.append('siginterrupt.%s=%s' % (name, _answer(signal.siginterrupt, n, True)))
                for _ in range(100):
                    _answer(signal.signal, signal.SIGSEGV, handler)
                out.append('refcount.delta=%d' % (sys.getrefcount(handler) - before))
                out.append('register.SIGUSR2=%s' % _answer(faulthandler.register, signal.SIGUSR2))
                out.append('register.SIGPIPE=%s' % _answer(faulthandler.register, signal.SIGPIPE))
                faulthandler.unregister(signal.SIGPIPE)
                out.append('register.SIGUSR1=%s' % _answer(faulthandler.register, signal.SIGUSR1))
                faulthandler.unregister(signal.SIGUSR1)
                out.append('block.SIGSEGV=%s' % _answer(signal.pthread_sigmask, signal.SIG_BLOCK, iter([signal.SIGSEGV])))
                out.append('setmask.SIGUSR2=%s' % _answer(signal.pthread_sigmask, signal.SIG_SETMASK, [signal.SIGUSR2]))
                out.append('blocked=%s' % sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])
                                                 if s in (signal.SIGSEGV, signal.SIGUSR2)))
                out.append('unblock.SIGSEGV=%s' % _answer(signal.pthread_sigmask, signal.SIG_UNBLOCK, [signal.SIGSEGV]))
                out.append('signal.SIGUSR1.main=%s' % _answer(signal.signal, signal.SIGUSR1, signal.SIG_DFL))
                out.append('wrapped=%s' % ((signal.signal.__name__, faulthandler.enable.__name__),))
                return '\\n'.join(out)
            """;

    /** Warms a method until C2 compiles it with an implicit null check, then passes null: NPEs caught. */
    private static String implicitNullChecks() {
        int[] array = new int[3];
        long sum = 0;
        for (int i = 0; i < 200_000; i++) sum += length(array); // C2 compiles length() with an implicit null check
        int npes = 0;
        for (int i = 0; i < 20_000; i++) {
            try {
                sum += length(null);
            } catch (NullPointerException e) {
                npes++;
            }
        }
        return npes + " (" + sum + ")";
    }

    private static int length(int[] a) {
        return a.length;
    }

    private static int width(int[] a) {
        return a.length;
    }

    /** Shutdown refuses calls, a start with the same interpreter attaches to the same CPython, others are refused. */
    private static void shutdown(String otherInterpreter) {
        PythonRuntime first = configured().start();
        first.call(python -> {
            python.exec("_survivor = 'set before shutdown'");
            return null;
        });
        PyRef kept = first.call(python -> python.eval("_survivor"));
        long live = first.liveHandles();
        first.shutdown();
        System.out.println("first.isShutdown=" + first.isShutdown());
        System.out.println("first.call=" + refusal(() -> eval(first, "1")));
        System.out.println("first.callTimeout=" + refusal(() -> first.call(p -> 1, Duration.ofSeconds(1))));
        System.out.println("first.submit=" + refusal(() -> first.submit(p -> 1)));
        PythonRuntime second = configured().start();
        System.out.println("second.isNew=" + (second != first));
        System.out.println("second.survivor=" + eval(second, "_survivor"));
        System.out.println("second.abi_info=" + eval(second, "__import__('serpentine').abi_info()['backend']"));
        System.out.println("second.again=" + (configured().start() == second));
        System.out.println("other.whileRunning=" + refusal(() -> PythonRuntime.builder().interpreter(otherInterpreter)
                .backend(System.getProperty("serpentine.backend", "")).start()));
        System.out.println("first.callAfterSecond=" + refusal(() -> eval(first, "1")));
        // A handle from before the shutdown is still a valid reference; closing it drops it.
        System.out.println("kept=" + second.call(python -> python.toJava(kept)));
        kept.close();
        System.out.println("live=" + (second.liveHandles() == live - 1));
        second.shutdown();
        System.out.println("other.afterShutdown=" + refusal(() -> PythonRuntime.builder().interpreter(otherInterpreter)
                .backend(System.getProperty("serpentine.backend", "")).start()));
        PythonRuntime third = configured().start();
        System.out.println("third.survivor=" + eval(third, "_survivor"));
        System.out.println("first.callAfterThird=" + refusal(() -> eval(first, "1")));
        System.out.println("second.callAfterThird=" + refusal(() -> eval(second, "1")));
    }

    private static String refusal(Runnable r) {
        try {
            r.run();
            return "NOT REFUSED";
        } catch (InterpreterUnavailableException e) {
            return "InterpreterUnavailableException";
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /** -Dserpentine.gil.queue=2 -Dserpentine.gil.workers=1: one running, two queued, the next is rejected. */
    private static void saturate() throws Exception {
        PythonRuntime rt = configured().start();
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<Object> blocker = rt.submit(python -> {
            started.countDown();
            python.exec("import time; time.sleep(0.5)");
            return ran.incrementAndGet();
        });
        if (!started.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("the blocker never started");
        List<CompletableFuture<Integer>> queued = new ArrayList<>();
        for (int i = 0; i < 2; i++) queued.add(rt.submit(python -> ran.incrementAndGet()));
        try {
            rt.submit(python -> ran.incrementAndGet());
            System.out.println("rejected=NOT REJECTED");
        } catch (RejectedExecutionException e) {
            System.out.println("rejected=" + e.getMessage());
        }
        if (VirtualThreads.SUPPORTED) { // a virtual thread's call takes the GIL itself: the executor's queue is not its
            String[] seen = new String[1];
            Thread v = VirtualThreads.start(() -> {
                try {
                    rt.call(python -> ran.incrementAndGet());
                    seen[0] = "ran";
                } catch (RejectedExecutionException e) {
                    seen[0] = "RejectedExecutionException";
                }
            });
            v.join(10_000);
            System.out.println("virtualCall=" + seen[0]);
        }
        blocker.get(10, TimeUnit.SECONDS);
        for (CompletableFuture<Integer> f : queued) f.get(10, TimeUnit.SECONDS);
        System.out.println("ran=" + ran.get());
        // Once drained, the executor takes work again.
        System.out.println("afterwards=" + rt.submit(python -> 42).get(10, TimeUnit.SECONDS));
    }

    /**
     * A task holding the GIL submits for the first time (the GIL executor is created) while an ABI bundle is being
     * rebound on another thread, which verifies it against the live interpreter (it needs the GIL).
     */
    private static void rebindWhileSubmitting() throws Exception {
        PythonRuntime rt = configured().start();
        AtomicInteger phase = new AtomicInteger();
        Thread[] rebinder = new Thread[1];
        Object[] submitted = new Object[1];
        Thread holder = new Thread(() -> submitted[0] = rt.call(python -> {
            phase.set(1); // holding the GIL
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline && !insideVerify(rebinder[0])) Thread.onSpinWait();
            System.out.println("rebinderHoldsRuntime=" + insideVerify(rebinder[0]));
            return rt.submit(p -> 42);
        }), "gil-holder");
        rebinder[0] = new Thread(() -> {
            while (phase.get() != 1) Thread.onSpinWait();
            InternalAccess.rebind(rt);
        }, "rebinder");
        rebinder[0].start();
        holder.start();
        holder.join(15_000);
        rebinder[0].join(15_000);
        boolean deadlocked = holder.isAlive() || rebinder[0].isAlive();
        System.out.println("deadlock=" + deadlocked);
        if (deadlocked) {
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer> f = (CompletableFuture<Integer>) submitted[0];
        System.out.println("submitted=" + f.get(10, TimeUnit.SECONDS));
        System.out.println("abi=" + rt.abi().tag());
    }

    /** Whether {@code t} is verifying an ABI bundle, which rebind does holding the runtime's monitor. */
    private static boolean insideVerify(Thread t) {
        if (t == null) return false;
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().endsWith(".AbiVerifier") && e.getMethodName().equals("verify")) return true;
        }
        return false;
    }

    /**
     * shutdown() from inside a task while a GIL worker has taken a task and waits for the GIL this thread holds:
     * it must neither wait for that worker (it cannot finish) nor let the task run after the shutdown.
     */
    private static void shutdownInsideTask() throws Exception {
        PythonRuntime rt = configured().start();
        System.out.println("warm=" + rt.submit(p -> 1).get(10, TimeUnit.SECONDS));
        AtomicInteger ran = new AtomicInteger();
        Object[] waiting = new Object[1];
        long ms = rt.call(python -> {
            waiting[0] = rt.submit(p -> ran.incrementAndGet());
            long spin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500); // a worker takes it and waits for the GIL
            while (System.nanoTime() < spin) Thread.onSpinWait();
            long t0 = System.nanoTime();
            rt.shutdown();
            return (System.nanoTime() - t0) / 1_000_000;
        });
        System.out.println("shutdownMillis=" + ms);
        CompletableFuture<?> f = (CompletableFuture<?>) waiting[0];
        try {
            System.out.println("waiting=" + f.get(10, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
            System.out.println("waiting=" + e.getCause().getClass().getSimpleName());
        }
        Thread.sleep(300);
        System.out.println("ran=" + ran.get());
    }

    /**
     * Submissions racing a shutdown: each must end (run, or be refused or cancelled) — never stay queued with no
     * worker left to take it. Each round starts a new runtime on the same CPython.
     */
    private static void submitShutdownRace(int rounds) throws Exception {
        long hung = 0;
        long total = 0;
        for (int round = 0; round < rounds; round++) {
            PythonRuntime rt = configured().start();
            rt.submit(p -> 1).get(10, TimeUnit.SECONDS);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<CompletableFuture<Integer>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> submitters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Thread t = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            futures.add(rt.submit(p -> 1));
                        } catch (InterpreterUnavailableException | RejectedExecutionException e) {
                            // refused: fine
                        }
                    }
                });
                t.start();
                submitters.add(t);
            }
            Thread.sleep(1 + round % 3);
            rt.shutdown();
            stop.set(true);
            for (Thread t : submitters) t.join(10_000);
            for (CompletableFuture<Integer> f : futures) {
                total++;
                try {
                    f.get(2, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    hung++;
                } catch (java.util.concurrent.ExecutionException e) {
                    // refused after the shutdown: fine
                }
            }
            if (hung > 0) break;
        }
        System.out.println("futures=" + total);
        System.out.println("hung=" + hung);
    }

    /**
     * Python code creates a sub-interpreter, which makes CPython disable PyGILState_Check for good (it then answers
     * 1 on every thread). A handle closed afterwards on a platform thread without the GIL must still take the GIL
     * before its decref — here the decref runs a __del__, i.e. Python code.
     */
    private static void subinterpreter() throws Exception {
        PythonRuntime rt = configured().start();
        var py = RuntimeInterpreter.of(rt).binding();
        System.out.println("checkBefore=" + py.PyGILState_Check());
        rt.call(python -> {
            python.exec("try:\n    import _interpreters as _si\nexcept ImportError:\n    import _xxsubinterpreters as _si\n"
                    + "_si.destroy(_si.create())\n");
            return null;
        });
        System.out.println("checkAfter=" + py.PyGILState_Check());
        System.out.flush();
        for (int i = 0; i < 20; i++) {
            PyRef r = rt.call(python -> python.eval("type('D', (), {'__del__': lambda self: __import__('builtins')"
                    + ".__setattr__('_deleted', getattr(__import__('builtins'), '_deleted', 0) + 1)})()"));
            Thread t = new Thread(r::close);
            t.start();
            t.join(10_000);
        }
        System.out.println("deleted=" + eval(rt, "getattr(__import__('builtins'), '_deleted', 0)"));
        // a virtual thread's close is still queued, and drained by the next GIL entry
        if (VirtualThreads.SUPPORTED) {
            PyRef r = rt.call(python -> python.eval("[]"));
            Thread v = VirtualThreads.start(r::close);
            v.join(10_000);
        }
        // a timed call from a thread that does not hold the GIL still times out while another thread holds it
        AtomicInteger phase = new AtomicInteger();
        Thread holder = new Thread(() -> rt.call(python -> {
            phase.set(1);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (System.nanoTime() < until && phase.get() != 2) Thread.onSpinWait();
            return null;
        }));
        holder.start();
        while (phase.get() != 1) Thread.onSpinWait();
        long t0 = System.nanoTime();
        try {
            rt.call(python -> 1, Duration.ofMillis(200));
            System.out.println("timedCall=NOT TIMED OUT");
        } catch (dev.serpentine.bridge.GilTimeoutException e) {
            System.out.println("timedCall=GilTimeoutException");
        }
        System.out.println("timedCallMillis=" + (System.nanoTime() - t0) / 1_000_000);
        phase.set(2);
        holder.join(10_000);
        System.out.println("afterwards=" + eval(rt, "6 * 7"));
    }

    /**
     * Python → Java → Python … nested ever deeper on a thread with {@code stackSize} bytes of stack: each depth ends
     * with its result or an exception, never with the JVM gone (an exception escaping an FFM upcall ends the JVM).
     */
    private static void deepReentry(long stackSize) throws Exception {
        PythonRuntime rt = configured().start();
        InternalAccess.installReentry(rt);
        for (int depth : new int[]{5, 20, 100, 200, 1000}) {
            Object[] out = new Object[1];
            Thread t = new Thread(null, () -> {
                try {
                    out[0] = eval(rt, "_reentry_r(" + depth + ")");
                } catch (dev.serpentine.ffi.PythonException e) {
                    out[0] = e.pythonType() + ": " + e.pythonMessage();
                } catch (Throwable e) {
                    out[0] = e.toString();
                }
            }, "reentry", stackSize);
            t.start();
            t.join(60_000);
            System.out.println("depth" + depth + "=" + out[0]);
            System.out.flush();
        }
        Object overflow;
        try {
            overflow = eval(rt, "__import__('_reentry').overflow()");
        } catch (dev.serpentine.ffi.PythonException e) {
            overflow = e.pythonType() + ": " + e.pythonMessage();
        }
        System.out.println("javaRecursion=" + overflow);
        System.out.println("afterwards=" + eval(rt, "6 * 7"));
    }

    /**
     * Deep recursion in Python on a thread of the given stack size: each reproducer prints how it ended (a result,
     * or the Python exception's type), never a dead JVM.
     */
    private static void deepStack(long stackSize) throws Exception {
        PythonRuntime rt = configured().start();
        rt.call(python -> {
            python.exec("""
                    import json, serpentine
                    def _upcall_at_the_bottom(n):
                        serpentine.abi_info()
                        return list(map(_upcall_at_the_bottom, [n + 1]))
                    def _python_depth(n):
                        try:
                            return _python_depth(n + 1)
                        except RecursionError:
                            return n
                    def _nested(depth):
                        x = []
                        for _ in range(depth):
                            x = [x]
                        return x
                    def _ended(code):
                        try:
                            eval(code)
                            return 'ok'
                        except RecursionError:
                            return 'RecursionError'
                    """);
            return null;
        });
        String[][] cases = {
                {"upcallAtTheBottom", "_ended('_upcall_at_the_bottom(0)')"},
                {"loads", "_ended('json.loads(\"[\" * 8000 + \"]\" * 8000)')"},
                {"dumps", "_ended('json.dumps(_nested(6000))')"},
                {"repr", "_ended('repr(_nested(8000))')"},
                {"pythonDepth", "_python_depth(0)"},
        };
        for (String[] c : cases) {
            Object[] out = new Object[1];
            Thread t = new Thread(null, () -> {
                try {
                    out[0] = eval(rt, c[1]);
                } catch (Throwable e) {
                    out[0] = e.toString();
                }
            }, "deep", stackSize);
            t.start();
            t.join(120_000);
            System.out.println(c[0] + "=" + out[0]);
            System.out.flush();
        }
        System.out.println("afterwards=" + eval(rt, "6 * 7"));
    }
}
