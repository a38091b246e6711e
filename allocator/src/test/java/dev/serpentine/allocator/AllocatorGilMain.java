package dev.serpentine.allocator;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.GilOwnership;
import dev.serpentine.bridge.platform.RuntimeInterpreter;

/**
 * The allocator's reproducers of issue 8, run by {@link AllocatorGilTest} in a JVM of its own (the unchecked ones
 * killed the JVM, and a sub-interpreter changes the process for good). Prints {@code key=value} lines; exit 0 at the
 * end.
 * <ol>
 *   <li>the {@code PyMem} domain outside any GIL task: refused; a {@link NativeBlock} or {@link NativeByteBuffer}
 *       closed outside one: refused and still open, so the retry inside a task frees it (item 15) — before and after
 *       Python created a sub-interpreter, which blinds {@code PyGILState_Check} (item 6);</li>
 *   <li>buffers and blocks dropped while open: the {@code Cleaner} queues their frees, the next GIL entry runs them.</li>
 * </ol>
 */
public final class AllocatorGilMain {

    private AllocatorGilMain() {
    }

    public static void main(String[] args) throws Exception {
        PythonRuntime rt = PythonRuntime.builder().interpreter(System.getProperty("serpentine.test.python", ""))
                .backend(System.getProperty("serpentine.backend", "")).start();
        PyAllocator allocator = PyAllocator.of(rt);
        offTheGil(rt, allocator, "plain");
        String sub = Boolean.TRUE.equals(eval(rt, "__import__('sys').version_info >= (3, 12)"))
                ? createSubinterpreter(rt) : "not tried before 3.12";
        print("subinterpreter", sub);
        print("gilStateCheck", RuntimeInterpreter.of(rt).binding().PyGILState_Check());
        if ("created".equals(sub)) offTheGil(rt, allocator, "sub");
        backstops(rt, allocator);
        print("afterwards", eval(rt, "6 * 7"));
        print("end", "reached");
        System.exit(0);
    }

    private static void print(String key, Object value) {
        System.out.println(key + "=" + value);
        System.out.flush();
    }

    private static Object eval(PythonRuntime rt, String expression) {
        return rt.call(python -> {
            try (PyRef r = python.eval(expression)) {
                return python.toJava(r);
            }
        });
    }

    /** "ok", or the exception's simple class name (its message goes to {@code key.message}). */
    private static String outcome(String key, Runnable action) {
        try {
            action.run();
            return "ok";
        } catch (RuntimeException e) {
            print(key + ".message", String.valueOf(e.getMessage()).replace('\n', ' '));
            return e.getClass().getSimpleName();
        }
    }

    private static String createSubinterpreter(PythonRuntime rt) {
        try {
            rt.call(python -> {
                python.exec("try:\n    import _interpreters as _si\nexcept ImportError:\n"
                        + "    import _xxsubinterpreters as _si\n_sub = _si.create()\n");
                return null;
            });
            return "created";
        } catch (PythonException e) {
            return e.pythonType() + ": " + e.pythonMessage();
        }
    }

    private static void offTheGil(PythonRuntime rt, PyAllocator a, String tag) {
        print(tag + ".malloc", outcome(tag + ".malloc", () -> a.malloc(16)));
        print(tag + ".calloc", outcome(tag + ".calloc", () -> a.calloc(2, 8)));
        print(tag + ".newBuffer", outcome(tag + ".newBuffer", () -> a.newBuffer(64)));
        long p = rt.call(python -> a.malloc(16));
        print(tag + ".realloc", outcome(tag + ".realloc", () -> a.realloc(p, 32)));
        print(tag + ".free", outcome(tag + ".free", () -> a.free(p)));
        print(tag + ".liveBlocksAfterRefusals", a.stats().liveBlocks());
        rt.call(python -> {
            a.free(p);
            return null;
        });
        print(tag + ".raw", outcome(tag + ".raw", () -> a.rawFree(a.rawMalloc(8))));

        NativeBlock block = rt.call(python -> a.newBuffer(8).appendLong(42).take());
        NativeByteBuffer buffer = rt.call(python -> a.newBuffer(8).appendLong(7));
        print(tag + ".blockClose", outcome(tag + ".blockClose", block::close));
        print(tag + ".bufferClose", outcome(tag + ".bufferClose", buffer::close));
        print(tag + ".liveBlocksAfterRefusedCloses", a.stats().liveBlocks());
        print(tag + ".bufferStillUsable", outcome(tag + ".bufferStillUsable", buffer::size));
        rt.call(python -> {
            block.close();
            buffer.close();
            return null;
        });
        print(tag + ".liveBlocksAfterRetry", a.stats().liveBlocks());
    }

    private static void backstops(PythonRuntime rt, PyAllocator a) throws InterruptedException {
        long before = a.stats().liveBlocks();
        rt.call(python -> {
            a.newBuffer(100).appendInt(1);                // dropped as it was made
            a.newBuffer(8).append(new byte[10_000]);      // dropped after it moved (PyMem_Realloc)
            a.newBuffer(8).appendLong(3).take();          // a taken block, dropped
            return null;
        });
        print("backstop.dropped", a.stats().liveBlocks() - before);
        for (int i = 0; i < 200 && GilOwnership.pendingReleases() < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        print("backstop.queued", GilOwnership.pendingReleases());
        print("backstop.liveWhileQueued", a.stats().liveBlocks() - before); // the Cleaner itself freed nothing
        rt.call(python -> null);                                            // the next GIL entry frees them
        print("backstop.liveAfterNextCall", a.stats().liveBlocks() - before);
        print("backstop.liveBytesAfterNextCall", a.stats().liveBytes());
        print("backstop.pendingAfter", GilOwnership.pendingReleases());
    }
}
