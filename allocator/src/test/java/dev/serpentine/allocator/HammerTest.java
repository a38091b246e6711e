package dev.serpentine.allocator;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.bridge.platform.RuntimeInterpreter;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sixteen Java threads — half of them virtual where the JVM has them — hammer one interpreter for a bounded time
 * with small Python calls, allocations in both domains, and upcalls into Java: no deadlock, no crash, every result
 * right, and the handles, blocks and reference counts back where they started.
 */
class HammerTest {

    private static final int THREADS = 16;
    private static final long MILLIS = 3_000;

    @Test
    void sixteenThreadsShareTheInterpreter() throws Exception {
        PythonRuntime rt = Runtimes.RUNTIME;
        PyAllocator allocator = PyAllocator.of(rt);
        NativeMemory mem = RuntimeInterpreter.of(Runtimes.RUNTIME).binding().memory();
        Runtimes.exec("import serpentine\n_hammer_shared = object()\n");
        long handlesBefore = rt.liveHandles();
        long sharedBefore = sharedRefcount(rt);

        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong operations = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MILLIS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Runnable work = () -> {
                try {
                    for (int round = 0; System.nanoTime() < deadline; round++) {
                        hammerOnce(rt, allocator, mem, id, round);
                        operations.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            };
            threads.add(t % 2 == 1 ? startVirtual(work) : start(work, "hammer-" + t));
        }
        for (Thread t : threads) {
            t.join(MILLIS + 60_000);
            assertFalse(t.isAlive(), "deadlock: " + t + " still runs");
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " threads failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
        assertTrue(operations.get() > THREADS, "only " + operations.get() + " operations in " + MILLIS + " ms");
        rt.call(python -> null); // a GIL entry drains decrefs queued by virtual threads
        assertEquals(handlesBefore, rt.liveHandles(), "open handles");
        assertEquals(sharedBefore, sharedRefcount(rt), "reference count of a shared object");
        assertEquals(0, allocator.stats().liveBlocks(), allocator.stats().toString());
        System.out.println("hammer: " + operations.get() + " rounds by " + THREADS + " threads in " + MILLIS + " ms");
    }

    private static void hammerOnce(PythonRuntime rt, PyAllocator allocator, NativeMemory mem, int id, int round) {
        long n = ThreadLocalRandom.current().nextLong(-1_000_000, 1_000_000);
        Object sum = rt.call(python -> {
            try (PyRef r = python.eval(n + " + " + id)) {
                return python.toJava(r);
            }
        });
        assertEquals(n + id, sum);

        String backend = rt.call(python -> {
            try (PyRef shared = python.eval("_hammer_shared");          // a reference taken and dropped
                 PyRef info = python.eval("serpentine.abi_info()")) {   // an upcall into Java
                try (PyRef b = python.eval("serpentine.abi_info()['backend']")) {
                    return (String) python.toJava(b);
                }
            }
        });
        assertEquals(rt.backend(), backend);

        long raw = allocator.rawMalloc(64 + round % 512); // no GIL needed
        mem.putLong(raw, n);
        long block = rt.call(python -> {
            long p = allocator.malloc(128);
            mem.putLong(p, mem.getLong(raw));
            long q = allocator.realloc(p, 4096);
            return q;
        });
        assertEquals(n, mem.getLong(block));
        allocator.rawFree(raw);
        rt.call(python -> {
            allocator.free(block);
            return null;
        });
        if (round % 16 == 0) {
            assertEquals((long) id, (long) rt.submit(python -> id).join());
        }
    }

    private static long sharedRefcount(PythonRuntime rt) {
        return rt.call(python -> {
            try (PyRef r = python.eval("__import__('sys').getrefcount(_hammer_shared)")) {
                return (Long) python.toJava(r);
            }
        });
    }

    private static Thread start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.start();
        return t;
    }

    /** A virtual thread on Java 21+ (by reflection: the tests compile for 17), a platform thread before. */
    private static Thread startVirtual(Runnable r) throws Exception {
        try {
            Method ofVirtual = Thread.class.getMethod("ofVirtual");
            Object builder = ofVirtual.invoke(null);
            Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
            return (Thread) start.invoke(builder, r);
        } catch (NoSuchMethodException e) {
            return start(r, "hammer-platform");
        }
    }
}
