package dev.serpentine.bridge;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The GIL for any Java thread: nesting, token confinement, the GIL executor for virtual threads and timeouts. */
class GilTest {

    private static final PythonRuntime RT = Bridge.RUNTIME;
    /** The GIL executor's size in this JVM (the property is read once, when the executor is created). */
    private static final int WORKERS = Math.max(1, Integer.getInteger("serpentine.gil.workers", 2));

    private static int gilHeld() {
        return Bridge.binding().PyGILState_Check();
    }

    @Test
    void nestedCallsOnOneThreadKeepTheGilAndTheOuterToken() {
        assertEquals(0, gilHeld(), "a test thread holds no GIL outside a task");
        List<Object> seen = RT.call(outer -> {
            List<Object> s = new ArrayList<>();
            s.add(gilHeld());
            Thread thread = Thread.currentThread();
            long inner = RT.call(in -> {
                assertSame(thread, Thread.currentThread(), "a platform thread runs nested tasks itself");
                try (PyRef r = in.eval("40 + 2")) {
                    long v = (Long) in.toJava(r);
                    // the outer token is still valid inside the nested task: same thread, scope open
                    try (PyRef o = outer.eval("1")) {
                        return v + (Long) outer.toJava(o) - 1;
                    }
                }
            });
            s.add(inner);
            s.add(gilHeld()); // the nested release did not give up the outer hold
            try (PyRef r = outer.eval("'still valid'")) {
                s.add(outer.toJava(r));
            }
            s.add(RT.call(a -> RT.call(b -> RT.call(c -> {
                try (PyRef r = c.eval("3 * 3")) {
                    return c.toJava(r);
                }
            }))));
            return s;
        });
        assertEquals(List.of(1, 42L, 1, "still valid", 9L), seen);
        assertEquals(0, gilHeld(), "the GIL is released after the outermost task");
    }

    @Test
    void gilStateCheckOnEveryKindOfEntry() throws Exception {
        assertEquals(0, gilHeld());
        assertEquals(1, (int) RT.call(python -> gilHeld()));
        assertEquals(0, gilHeld());
        assertEquals(1, (int) RT.submit(python -> gilHeld()).get(10, TimeUnit.SECONDS));
        assertEquals(1, (int) RT.call(python -> gilHeld(), Duration.ofSeconds(10)));
        // a fresh platform thread: no thread state before, none held after
        AtomicReference<List<Integer>> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(List.of(gilHeld(), RT.call(python -> gilHeld()), gilHeld())));
        t.start();
        t.join(10_000);
        assertEquals(List.of(0, 1, 0), other.get());
        assertEquals(0, gilHeld());
    }

    /** Every method of the token, each given valid arguments, so that only the scope check can refuse it. */
    private static List<Consumer<Python>> everyOperation(PyRef target) {
        return List.of(
                p -> p.eval("__import__('builtins').__setattr__('_gil_test_ran', True)"),
                p -> p.exec("import builtins; builtins._gil_test_ran = True"),
                p -> p.importModule("json"),
                p -> p.getAttr(target, "append"),
                p -> p.setAttr(target, "x", 1),
                p -> p.call(target, 1),
                p -> p.call(target, List.of(), Map.of()),
                p -> p.toPython("x"),
                p -> p.toPython(null),
                p -> p.toJava(target),
                p -> p.str(target),
                p -> p.repr(target),
                p -> p.typeName(target),
                p -> p.share(target));
    }

    @Test
    void aTokenUsedAfterItsTaskIsRefusedWithoutRunningPython() {
        PyRef target = RT.call(python -> python.eval("[]"));
        try {
            Python leaked = RT.call(python -> python);
            for (Consumer<Python> op : everyOperation(target)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> op.accept(leaked));
                assertTrue(e.getMessage().contains("only valid inside its GIL task"), e.getMessage());
            }
            // also when this thread holds the GIL again, through another task
            RT.call(python -> {
                for (Consumer<Python> op : everyOperation(target)) {
                    assertThrows(IllegalStateException.class, () -> op.accept(leaked));
                }
                return null;
            });
            assertEquals(Boolean.FALSE, Bridge.eval("hasattr(__import__('builtins'), '_gil_test_ran')"));
            assertEquals("[]", RT.call(python -> python.repr(target)), "no operation reached the target");
            assertEquals(0, gilHeld());
        } finally {
            target.close();
        }
    }

    @Test
    void aTokenUsedFromAnotherThreadIsRefusedWithoutRunningPython() throws Exception {
        PyRef target = RT.call(python -> python.eval("[]"));
        try {
            List<String> refusals = RT.call(python -> {
                List<String> r = new ArrayList<>();
                Thread t = new Thread(() -> {
                    for (Consumer<Python> op : everyOperation(target)) {
                        try {
                            op.accept(python);
                            r.add("ran");
                        } catch (IllegalStateException e) {
                            r.add("refused");
                        }
                    }
                });
                t.start();
                t.join(10_000); // the other thread never waits for the GIL: every operation is refused up front
                return r;
            });
            assertEquals(everyOperation(target).size(), refusals.size());
            assertTrue(refusals.stream().allMatch("refused"::equals), refusals.toString());
            assertEquals(Boolean.FALSE, Bridge.eval("hasattr(__import__('builtins'), '_gil_test_ran')"));
            assertEquals("[]", RT.call(python -> python.repr(target)));
        } finally {
            target.close();
        }
    }

    @Test
    void virtualThreadsRunTheirTasksThemselvesPinnedWithTheGil() throws Exception {
        assumeTrue(VirtualThreads.SUPPORTED, "virtual threads need Java 21+");
        int n = 8;
        List<String> seen = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            threads.add(VirtualThreads.start(() -> {
                Thread caller = Thread.currentThread();
                String s = RT.call(python -> {
                    Thread runner = Thread.currentThread();
                    long before = ForkedGilPaths.nativeId(python);
                    Thread.sleep(1); // parks: a pinned virtual thread keeps its carrier, and the GIL with it
                    try (PyRef r = python.eval(k + " * 2")) {
                        return (runner == caller) + "|" + gilHeld() + "|" + (ForkedGilPaths.nativeId(python) == before) + "|"
                                + python.toJava(r);
                    }
                });
                synchronized (seen) {
                    seen.add(VirtualThreads.isVirtual(caller) + "|" + s);
                }
            }));
        }
        for (Thread t : threads) t.join(10_000);
        assertEquals(n, seen.size(), seen.toString());
        for (String s : seen) {
            assertEquals("true|true|1|true", s.substring(0, s.lastIndexOf('|')),
                    "virtual caller | ran on the caller | GIL held | same OS thread after parking: " + s);
        }
        assertEquals(List.of(0L, 2L, 4L, 6L, 8L, 10L, 12L, 14L),
                seen.stream().map(s -> Long.parseLong(s.split("\\|")[4])).sorted().toList());
    }

    /**
     * The invariant behind running a virtual thread's task on itself, in a JVM with one carrier: tasks that park in
     * Java never overlap, never resume on another OS thread, and no other virtual thread on that carrier ever sees
     * its OS thread holding the GIL.
     */
    @Test
    void aCarrierNeverLendsTheGilOfAParkedVirtualThread() throws Exception {
        assumeTrue(VirtualThreads.SUPPORTED, "virtual threads need Java 21+");
        Fork.Result r = Fork.run(List.of("-Djdk.virtualThreadScheduler.parallelism=1",
                "-Djdk.virtualThreadScheduler.maxPoolSize=1"), Map.of(), 120, "virtual-carrier");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("80", r.value("tasks"), r.toString());
        assertEquals("0", r.value("overlaps"), r.toString());
        assertEquals("0", r.value("moved"), r.toString());
        assertEquals("0", r.value("seenHeld"), r.toString());
        assertEquals("true", r.value("observed"), r.toString());
    }

    /** Occupies every GIL worker with a task that sleeps in Python (releasing the GIL); returns their futures. */
    private static List<CompletableFuture<Object>> occupyWorkers() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(WORKERS);
        List<CompletableFuture<Object>> blockers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            blockers.add(RT.submit(python -> {
                started.countDown();
                python.exec("import time; time.sleep(0.5)");
                return null;
            }));
        }
        assertTrue(started.await(10, TimeUnit.SECONDS), "the workers took the blockers");
        return blockers;
    }

    /** Waits until everything submitted so far has been taken off the queue (FIFO: later tasks ran). */
    private static void drainExecutor(List<CompletableFuture<Object>> blockers) throws Exception {
        for (CompletableFuture<Object> b : blockers) b.get(10, TimeUnit.SECONDS);
        List<CompletableFuture<Integer>> after = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) after.add(RT.submit(python -> 1));
        for (CompletableFuture<Integer> f : after) assertEquals(1, f.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aSubmittedTaskCancelledBeforeItStartsNeverRuns() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        List<CompletableFuture<Object>> blockers = occupyWorkers();
        CompletableFuture<Object> f = RT.submit(python -> {
            ran.set(true);
            return null;
        });
        assertTrue(f.cancel(false));
        assertTrue(f.isCancelled());
        drainExecutor(blockers);
        assertFalse(ran.get(), "a cancelled task ran");
    }

    @Test
    void aTimedCallThatFindsTheExecutorBusyTimesOutAndNeverRuns() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        List<CompletableFuture<Object>> blockers = occupyWorkers();
        long t0 = System.nanoTime();
        GilTimeoutException e = assertThrows(GilTimeoutException.class, () -> RT.call(python -> {
            ran.set(true);
            return null;
        }, Duration.ofMillis(100)));
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(waitedMs >= 100 && waitedMs < 450, "waited " + waitedMs + " ms for a 100 ms timeout");
        assertTrue(e.getMessage().contains("PT0.1S"), e.getMessage());
        drainExecutor(blockers);
        assertFalse(ran.get(), "a timed-out task ran");
    }

    /**
     * The worker has taken the task off the queue but waits for the GIL, which a platform thread holds: the caller's
     * timeout expires before the task could start, so it must never run.
     */
    @Test
    void aTimedCallThatCannotGetTheGilTimesOutAndNeverRuns() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        AtomicBoolean holding = new AtomicBoolean();
        AtomicBoolean release = new AtomicBoolean();
        Thread holder = new Thread(() -> RT.call(python -> {
            holding.set(true);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!release.get() && System.nanoTime() < deadline) Thread.onSpinWait(); // holds the GIL, runs no Python
            return null;
        }), "gil-holder");
        holder.start();
        try {
            while (!holding.get()) Thread.onSpinWait();
            assertThrows(GilTimeoutException.class, () -> RT.call(python -> {
                ran.set(true);
                return null;
            }, Duration.ofMillis(200)));
        } finally {
            release.set(true);
            holder.join(10_000);
        }
        drainExecutor(List.of());
        assertFalse(ran.get(), "the task ran after its caller was told it timed out");
    }

    /** A timed call from a thread that already holds the GIL runs right there: it must not wait for itself. */
    @Test
    void aTimedCallInsideATaskRunsInlineInsteadOfWaitingForItself() {
        long t0 = System.nanoTime();
        Object r = RT.call(outer -> RT.call(inner -> {
            try (PyRef v = inner.eval("'inline'")) {
                return inner.toJava(v) + "|" + Thread.currentThread().getName();
            }
        }, Duration.ofSeconds(2)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("inline|" + Thread.currentThread().getName(), r);
        assertTrue(ms < 1_500, "took " + ms + " ms");
    }

    @Test
    void submitFromInsideATaskDoesNotBlockAndRunsAfterwards() throws Exception {
        AtomicInteger order = new AtomicInteger();
        CompletableFuture<Integer> f = RT.call(python -> {
            CompletableFuture<Integer> inner = RT.submit(p -> order.incrementAndGet());
            assertEquals(0, order.get()); // cannot have run: this thread holds the GIL
            return inner;
        });
        assertEquals(1, f.get(10, TimeUnit.SECONDS));
    }

    @Test
    void gilExecutorSaturationIsRejectedNamingTheQueueProperty() throws Exception {
        Fork.Result r = Fork.run(List.of("-Dserpentine.gil.queue=2", "-Dserpentine.gil.workers=1"), Map.of(), 60,
                "saturate");
        assertEquals(0, r.exitCode(), r.toString());
        String rejected = r.value("rejected");
        assertNotNull(rejected, r.toString());
        assertTrue(rejected.contains("serpentine.gil.queue"), r.toString());
        assertTrue(rejected.contains("2 tasks"), r.toString());
        if (VirtualThreads.SUPPORTED) {
            assertEquals("ran", r.value("virtualCall"), "a virtual thread does not queue on the executor: " + r);
        }
        assertEquals(VirtualThreads.SUPPORTED ? "4" : "3", r.value("ran"),
                "the blocker, the two queued tasks and the virtual thread's call ran: " + r);
        assertEquals("42", r.value("afterwards"), r.toString());
    }

    /**
     * An ABI rebind (OSGi: a newer ABI bundle appears) verifies the bundle with the GIL; a task holding the GIL that
     * submits for the first time must not wait for a lock that rebind holds while it waits for the GIL.
     */
    @Test
    void aRebindAndAFirstSubmitFromATaskDoNotDeadlock() throws Exception {
        Fork.Result r = Fork.run(List.of(), Map.of(), 60, "rebind-while-submitting");
        assertEquals("true", r.value("rebinderHoldsRuntime"), "the scenario set up the race: " + r);
        assertEquals("false", r.value("deadlock"), r.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("42", r.value("submitted"), r.toString());
    }

    /** shutdown() from inside a task neither blocks with the GIL held nor lets a waiting task run afterwards. */
    @Test
    void shutdownInsideATaskDoesNotBlockWithTheGilHeld() throws Exception {
        Fork.Result r = Fork.run(List.of(), Map.of(), 60, "shutdown-inside-task");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Long.parseLong(r.value("shutdownMillis")) < 1_000, "shutdown blocked with the GIL held: " + r);
        assertEquals("InterpreterUnavailableException", r.value("waiting"), r.toString());
        assertEquals("0", r.value("ran"), "a task ran after shutdown: " + r);
    }

    /**
     * Submissions racing a shutdown all end — run, refused or cancelled; none stays queued with no worker left (a
     * stress over many runtimes on the same CPython: the window is small, so the rounds are many).
     */
    @Test
    void submissionsRacingAShutdownAllEnd() throws Exception {
        // Java-side executor logic, the same for every interpreter: once per backend and JDK, at 3.13
        assumeTrue(RT.version().minor() == 13, "runs in the cp313 executions");
        Fork.Result r = Fork.run(List.of(), Map.of(), 180, "submit-shutdown-race", "300");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(Long.parseLong(r.value("futures")) > 1000, r.toString());
        assertEquals("0", r.value("hung"), "futures that never ended: " + r);
    }

    /**
     * Python and Java calling each other ever deeper on one thread: a clean RecursionError naming the limit, never
     * a dead JVM (a StackOverflowError escaping an FFM upcall ends the process) — with the default limit on 1 MB
     * (the JVM's default) and 512 KB stacks, and with a lowered limit on a 256 KB stack.
     */
    @Test
    void deepPythonJavaReentryIsARecursionErrorNotADeadJvm() throws Exception {
        for (List<String> c : List.of(List.of("1048576", "20"), List.of("524288", "20"),
                List.of("262144", "5", "-Dserpentine.nesting.limit=16"))) {
            List<String> jvm = new java.util.ArrayList<>(List.of("-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=/dev/null"));
            jvm.addAll(c.subList(2, c.size()));
            Fork.Result r = Fork.run(jvm, Map.of(), 120, "deep-reentry", c.get(0));
            assertEquals(0, r.exitCode(), c + ": " + r);
            for (String depth : List.of("5", "20", "100", "200", "1000")) {
                String v = r.value("depth" + depth);
                if (Integer.parseInt(depth) <= Integer.parseInt(c.get(1))) {
                    assertEquals("0", v, c + " depth " + depth + ": " + r);
                } else {
                    assertTrue(v.startsWith("RecursionError: ") && v.contains("serpentine.nesting.limit"),
                            c + " depth " + depth + ": " + r);
                }
            }
            assertTrue(r.value("javaRecursion").startsWith("RuntimeError: java.lang.StackOverflowError"), r.toString());
            assertEquals("42", r.value("afterwards"), r.toString());
        }
    }

    /**
     * Issue 8, items 2 and 5: Python recursing deep on a Java thread, in pure Python, in C ({@code json}, {@code repr})
     * and with an upcall at the bottom, ends in {@code RecursionError}, never a dead JVM, on 1 MB (the JVM's
     * default) and 256 KB stacks. CPython sizes its limits for 8 MB; the bridge narrows them to the thread.
     */
    @Test
    void deepPythonRecursionOnSmallJavaStacksIsARecursionError() throws Exception {
        for (String stack : List.of("1048576", "262144")) {
            Fork.Result r = Fork.run(List.of("-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=/dev/null"), Map.of(), 180,
                    "deep-stack", stack);
            assertEquals(0, r.exitCode(), stack + ": " + r);
            assertEquals("RecursionError", r.value("upcallAtTheBottom"), stack + ": " + r);
            for (String c : List.of("loads", "dumps", "repr")) {
                assertTrue(Set.of("ok", "RecursionError").contains(r.value(c)), stack + " " + c + ": " + r);
            }
            assertTrue(Integer.parseInt(r.value("pythonDepth")) >= 50, stack + ": " + r);
            assertEquals("42", r.value("afterwards"), r.toString());
        }
    }

    @Test
    void startingFromAVirtualThreadHappensOnAPlatformThread() throws Exception {
        assumeTrue(VirtualThreads.SUPPORTED, "no virtual threads before Java 21");
        PythonRuntime running = Bridge.RUNTIME;
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = VirtualThreads.start(() -> {
            try {
                seen.set(PythonRuntime.builder()
                        .interpreter(System.getProperty("serpentine.test.python", ""))
                        .backend(System.getProperty("serpentine.backend", ""))
                        .start());
            } catch (Throwable e) {
                seen.set(e);
            }
        });
        t.join(30_000);
        assertFalse(t.isAlive(), "start() from a virtual thread did not return");
        assertSame(running, seen.get(), "the same configuration gives the running runtime: " + seen.get());
    }
}
