package dev.serpentine.bridge;

import dev.serpentine.bridge.platform.RuntimeInterpreter;
import dev.serpentine.ffi.binding.CPythonBinding;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/** The forked scenarios of the GIL paths: virtual threads and their carriers, stack overflows, decrefs in bulk. */
final class ForkedGilPaths {

    private ForkedGilPaths() {
    }

    static void run(String[] args) throws Exception {
        switch (args[0]) {
            case "virtual-carrier" -> virtualCarrier();
            case "stack-overflow-gil" -> stackOverflowGil(args[1]);
            case "del-drain" -> delDrain(args[1], Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("no scenario " + args[0]);
        }
    }

    /**
     * Virtual threads whose tasks park in Java (sleep, a condition, a queue) while observers on the same carriers
     * (run with one carrier) ask CPython whether their OS thread holds the GIL. An unmounted task holding the GIL
     * would show as an observer seeing it held, as two tasks overlapping, or as a task resuming on another OS thread.
     */
    private static void virtualCarrier() throws Exception {
        PythonRuntime rt = ForkedMain.configured().start();
        CPythonBinding py = RuntimeInterpreter.of(rt).binding();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger moved = new AtomicInteger();
        AtomicInteger seenHeld = new AtomicInteger();
        AtomicInteger tasks = new AtomicInteger();
        AtomicInteger observations = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        ReentrantLock lock = new ReentrantLock();
        Condition never = lock.newCondition();
        ArrayBlockingQueue<Object> empty = new ArrayBlockingQueue<>(1);
        List<Thread> observers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            observers.add(VirtualThreads.start(() -> {
                while (!done.get()) {
                    if (py.PyGILState_Check() == 1) seenHeld.incrementAndGet(); // no sub-interpreter here: exact
                    observations.incrementAndGet();
                    LockSupport.parkNanos(20_000); // a timed park, not a yield: the callers must get the carrier
                }
            }));
        }
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int k = i;
            callers.add(VirtualThreads.start(() -> {
                for (int j = 0; j < 10; j++) {
                    int park = (k + j) % 3;
                    rt.call(python -> {
                        if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
                        long before = nativeId(python);
                        if (park == 0) {
                            Thread.sleep(2);
                        } else if (park == 1) {
                            lock.lock();
                            try {
                                never.await(2, TimeUnit.MILLISECONDS);
                            } finally {
                                lock.unlock();
                            }
                        } else {
                            empty.poll(2, TimeUnit.MILLISECONDS);
                        }
                        if (nativeId(python) != before) moved.incrementAndGet();
                        inside.decrementAndGet();
                        tasks.incrementAndGet();
                        return null;
                    });
                    Thread.yield();
                }
            }));
        }
        for (Thread t : callers) t.join();
        done.set(true);
        for (Thread t : observers) t.join();
        System.out.println("tasks=" + tasks.get());
        System.out.println("overlaps=" + overlaps.get());
        System.out.println("moved=" + moved.get());
        System.out.println("seenHeld=" + seenHeld.get());
        System.out.println("observed=" + (observations.get() > 0));
    }

    /** The OS thread running this task, as Python sees it. */
    static long nativeId(Python python) {
        try (PyRef r = python.eval("__import__('threading').get_native_id()")) {
            return (Long) python.toJava(r);
        }
    }

    private static void recurse(PythonRuntime rt, int[] calls) {
        try {
            rt.call(python -> null);
            calls[0]++;
        } catch (StackOverflowError e) {
            calls[1]++;
        }
        recurse(rt, calls);
    }

    /**
     * Calls into Python at every level of a recursion that runs out of stack, catching the StackOverflowError at each
     * level, several times over on a platform or a virtual thread; then another thread must get the GIL.
     */
    private static void stackOverflowGil(String kind) throws Exception {
        PythonRuntime rt = ForkedMain.configured().start();
        Runnable overflow = () -> {
            int[] calls = new int[2];
            for (int round = 0; round < 5; round++) {
                try {
                    recurse(rt, calls);
                } catch (StackOverflowError e) {
                    // the recursion itself overflowed outside the try: expected, once per round
                }
            }
            System.out.println("calls=" + (calls[0] > 0) + " overflows=" + calls[1]);
        };
        Thread t = kind.equals("virtual") ? VirtualThreads.start(overflow) : new Thread(overflow);
        if (!kind.equals("virtual")) t.start();
        t.join();
        Object[] other = new Object[1];
        Thread o = new Thread(() -> other[0] = ForkedMain.eval(rt, "6 * 7"));
        o.start();
        o.join(); // a leaked GIL hangs here: the test's timeout kills this JVM
        System.out.println("other=" + other[0]);
        Object[] again = new Object[1];
        Thread v = kind.equals("virtual") ? VirtualThreads.start(() -> again[0] = ForkedMain.eval(rt, "1 + 1"))
                : new Thread(() -> again[0] = ForkedMain.eval(rt, "1 + 1"));
        if (!kind.equals("virtual")) v.start();
        v.join();
        System.out.println("again=" + again[0]);
    }

    /**
     * 300 handles to objects whose {@code __del__} calls back into Java, dropped where the decref must wait for the next
     * GIL entry (closed on virtual threads, or left to the Cleaner); each {@code __del__} first recurses {@code depth}
     * levels in Python. One call then drains them all: every {@code __del__} must succeed.
     */
    private static void delDrain(String how, int depth) throws Exception {
        PythonRuntime rt = ForkedMain.configured().start();
        int n = 300;
        rt.call(python -> {
            python.exec("import serpentine\n"
                    + "del_ok = []\n"
                    + "del_failed = []\n"
                    + "def _down(k):\n"
                    + "    return serpentine.abi_info() if k == 0 else _down(k - 1)\n"
                    + "class Dying:\n"
                    + "    def __del__(self):\n"
                    + "        try:\n"
                    + "            _down(" + depth + ")\n"
                    + "            del_ok.append(1)\n"
                    + "        except BaseException as e:\n"
                    + "            del_failed.append(repr(e))\n");
            return null;
        });
        List<PyRef> refs = rt.call(python -> {
            List<PyRef> made = new ArrayList<>();
            for (int i = 0; i < n; i++) made.add(python.eval("Dying()"));
            return made;
        });
        if (how.equals("virtual")) {
            List<Thread> closers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int k = i;
                closers.add(VirtualThreads.start(() -> {
                    for (int j = k; j < n; j += 4) refs.get(j).close();
                }));
            }
            for (Thread t : closers) t.join();
        } else {
            refs.clear(); // unreachable: the Cleaner queues their decrefs
            for (int i = 0; i < 50 && rt.liveHandles() > 0; i++) {
                System.gc();
                Thread.sleep(50);
            }
            System.out.println("liveAfterGc=" + rt.liveHandles());
        }
        System.out.println("ok=" + ForkedMain.eval(rt, "len(del_ok)"));
        System.out.println("failed=" + ForkedMain.eval(rt, "repr(del_failed[:3])"));
    }
}
