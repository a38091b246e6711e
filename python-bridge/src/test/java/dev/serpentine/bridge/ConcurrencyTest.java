package dev.serpentine.bridge;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many Java threads (platform and virtual) and Python threads use the runtime at once for a few seconds: calls with
 * checked results, upcalls, handles made and closed (and dropped for the Cleaner), submit and timed calls. No
 * deadlock, no crash, every result right, and the live count and a shared object's refcount back where they were.
 */
class ConcurrencyTest {

    private static final PythonRuntime RT = Bridge.RUNTIME;
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final String[] OPS = {"eval", "upcall", "handles", "submit", "call", "timed", "dropped"};

    @Test
    void sixteenThreadsHammerTheRuntime() throws Exception {
        settle();
        RT.call(python -> {
            python.exec("import threading, serpentine\n"
                    + "_hammered = type('Shared', (), {})()\n"
                    + "def _touch(o, k):\n"
                    + "    return repr((o is _hammered, k + 1))\n"
                    + "_py_stop = threading.Event()\n"
                    + "_py_counts = []\n"
                    + "def _py_worker():\n"
                    + "    n = 0\n"
                    + "    while not _py_stop.is_set():\n"
                    + "        assert serpentine.abi_info()['backend'] == '" + RT.backend() + "'\n"
                    + "        n += 1\n"
                    + "    _py_counts.append(n)\n"
                    + "_py_threads = [threading.Thread(target=_py_worker) for _ in range(2)]\n");
            return null;
        });
        PyRef shared = RT.call(python -> python.eval("_hammered"));
        PyRef touch = RT.call(python -> python.eval("_touch"));
        long baseRefcount = RT.call(python -> Bridge.refcount(python, shared));
        long baseLive = RT.liveHandles();

        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLongArray counts = new AtomicLongArray(OPS.length);
        long deadline = System.nanoTime() + RUN_NANOS;
        List<Thread> threads = new ArrayList<>();
        boolean virtual = VirtualThreads.SUPPORTED;
        RT.call(python -> {
            python.exec("[t.start() for t in _py_threads]");
            return null;
        });
        for (int i = 0; i < 16; i++) {
            int id = i;
            Runnable work = () -> hammer(id, deadline, shared, touch, counts, failures);
            if (virtual && i >= 8) {
                threads.add(VirtualThreads.start(work));
            } else {
                Thread t = new Thread(work, "hammer-" + i);
                t.start();
                threads.add(t);
            }
        }
        long joinBy = deadline + TimeUnit.SECONDS.toNanos(60);
        for (Thread t : threads) t.join(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
        List<Thread> stuck = threads.stream().filter(Thread::isAlive).toList();
        if (!stuck.isEmpty()) {
            StringBuilder dump = new StringBuilder("deadlock: " + stuck.size() + " threads still running\n");
            for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                dump.append(e.getKey()).append('\n');
                for (StackTraceElement s : e.getValue()) dump.append("    at ").append(s).append('\n');
            }
            fail(dump.toString());
        }
        String pyCounts = RT.call(python -> {
            python.exec("_py_stop.set()\n[t.join() for t in _py_threads]");
            try (PyRef r = python.eval("repr(_py_counts)")) {
                return (String) python.toJava(r);
            }
        });
        assertTrue(failures.isEmpty(), failures.size() + " failures, e.g. " + failures.peek());
        for (int i = 0; i < OPS.length; i++) {
            assertTrue(counts.get(i) > 0, "no " + OPS[i] + " ran: " + counts);
        }
        assertTrue(pyCounts.matches("\\[[1-9]\\d*, [1-9]\\d*\\]"), "Python threads made upcalls too: " + pyCounts);

        // dropped handles reach the Cleaner; the next GIL entry drains their decrefs
        long gcDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (RT.liveHandles() != baseLive && System.nanoTime() < gcDeadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(baseLive, RT.liveHandles(), "live handles after " + counts);
        assertEquals(baseRefcount, (long) RT.call(python -> Bridge.refcount(python, shared)), "refcount of the shared object");
        shared.close();
        touch.close();
    }

    private static void hammer(int id, long deadline, PyRef shared, PyRef touch, AtomicLongArray counts,
                               ConcurrentLinkedQueue<String> failures) {
        String backend = RT.backend();
        for (long k = 0; System.nanoTime() < deadline; k++) {
            int op = (int) ((k + id) % OPS.length);
            long n = k * 31 + id;
            try {
                switch (op) {
                    case 0 -> check(n * 3, RT.call(python -> {
                        try (PyRef r = python.eval(n + " * 3")) {
                            return python.toJava(r);
                        }
                    }));
                    case 1 -> check(backend, RT.call(python -> {
                        try (PyRef r = python.eval("serpentine.abi_info()['backend']")) {
                            return python.toJava(r);
                        }
                    }));
                    case 2 -> {
                        PyRef a = RT.call(python -> python.share(shared));
                        PyRef b = RT.call(python -> python.toPython("h" + n));
                        check("h" + n, RT.call(python -> python.toJava(b)));
                        b.close();
                        a.close(); // off the GIL: a platform thread takes it, a virtual thread queues the decref
                    }
                    case 3 -> check(n + 1, RT.submit(python -> {
                        try (PyRef r = python.toPython(n)) {
                            return (Long) python.toJava(r) + 1;
                        }
                    }).get(30, TimeUnit.SECONDS));
                    case 4 -> check("(True, " + (n + 1) + ")", RT.call(python -> {
                        try (PyRef r = python.call(touch, shared, n)) {
                            return python.toJava(r);
                        }
                    }));
                    case 5 -> check(n, RT.call(python -> {
                        try (PyRef r = python.toPython(n)) {
                            return python.toJava(r);
                        }
                    }, Duration.ofSeconds(30)));
                    default -> RT.call(python -> python.share(shared)); // dropped unclosed: the Cleaner's
                }
                counts.incrementAndGet(op);
            } catch (Throwable t) {
                failures.add(Thread.currentThread() + " " + OPS[op] + ": " + t);
            }
        }
    }

    private static void check(Object expected, Object actual) {
        if (!expected.equals(actual)) throw new AssertionError("expected " + expected + " but got " + actual);
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        RT.call(python -> null);
    }
}
