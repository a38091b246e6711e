package dev.serpentine.bridge;

import dev.serpentine.bridge.platform.RuntimeInterpreter;
import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.GilOwnership;
import dev.serpentine.ffi.buffer.AcquiredBuffer;
import dev.serpentine.ffi.buffer.BufferFlags;
import dev.serpentine.ffi.buffer.BufferProtocol;

import java.nio.ByteBuffer;

/**
 * The buffer API's reproducers of issue 8, run by {@link BufferGilTest} in a JVM of its own (each used to kill the
 * JVM, and a sub-interpreter changes the process for good). Prints {@code key=value} lines; exit 0 at the end.
 * <ol>
 *   <li>{@code acquire} outside any GIL task, and {@code close()} of a buffer outside one: refused with
 *       {@link IllegalStateException}, the buffer still held; the retry inside a task releases it — before and after
 *       Python created a sub-interpreter (which blinds {@code PyGILState_Check});</li>
 *   <li>a window read after its buffer was released and the exporter freed: FFM throws, JNA hands out no window;</li>
 *   <li>a buffer dropped while held: the {@code Cleaner} queues its release, the next GIL entry runs it.</li>
 * </ol>
 */
public final class BufferGilMain {

    private BufferGilMain() {
    }

    public static void main(String[] args) throws Exception {
        PythonRuntime rt = ForkedMain.configured().start();
        BufferProtocol protocol = new BufferProtocol(RuntimeInterpreter.of(rt));
        offTheGil(rt, protocol, "plain");
        String sub = ForkedMain.eval(rt, "__import__('sys').version_info >= (3, 12)").equals(Boolean.TRUE)
                ? createSubinterpreter(rt) : "not tried before 3.12";
        print("subinterpreter", sub);
        print("gilStateCheck", RuntimeInterpreter.of(rt).binding().PyGILState_Check());
        if ("created".equals(sub)) offTheGil(rt, protocol, "sub");
        windowAfterClose(rt, protocol);
        backstop(rt, protocol);
        print("afterwards", ForkedMain.eval(rt, "6 * 7"));
        print("end", "reached");
        System.exit(0);
    }

    static void print(String key, Object value) {
        System.out.println(key + "=" + value);
        System.out.flush();
    }

    /** What {@code action} ended with: "ok" or the exception's simple class name; its message goes to {@code key.message}. */
    static String outcome(String key, Runnable action) {
        try {
            action.run();
            return "ok";
        } catch (RuntimeException e) {
            print(key + ".message", String.valueOf(e.getMessage()).replace('\n', ' '));
            return e.getClass().getSimpleName();
        }
    }

    /** Creates a sub-interpreter (kept alive): "created", or why not. */
    static String createSubinterpreter(PythonRuntime rt) {
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

    /** Appends to the bytearray: "resized", or the error (BufferError while a buffer holds it). */
    static String resize(PythonRuntime rt, PyRef bytearray) {
        return rt.call(python -> {
            try (PyRef append = python.getAttr(bytearray, "append"); PyRef r = python.call(append, 0)) {
                return "resized";
            } catch (PythonException e) {
                return e.pythonType();
            }
        });
    }

    private static void offTheGil(PythonRuntime rt, BufferProtocol protocol, String tag) {
        try (PyRef bytearray = rt.call(python -> python.eval("bytearray(b'abc')"))) {
            print(tag + ".acquire", outcome(tag + ".acquire", () -> protocol.acquire(bytearray.address(), BufferFlags.SIMPLE)));
            print(tag + ".notHeld", resize(rt, bytearray));
            AcquiredBuffer b = rt.call(python -> protocol.acquire(bytearray.address(), BufferFlags.SIMPLE));
            print(tag + ".close", outcome(tag + ".close", b::close));
            print(tag + ".heldAfterRefusal", resize(rt, bytearray));
            rt.call(python -> {
                b.close();
                return null;
            });
            print(tag + ".afterRetry", resize(rt, bytearray));
        }
    }

    private static void windowAfterClose(PythonRuntime rt, BufferProtocol protocol) {
        print("window", rt.call(python -> {
            PyRef bytearray = python.eval("bytearray(range(64))");
            AcquiredBuffer b = protocol.acquire(bytearray.address(), BufferFlags.FULL_RO);
            ByteBuffer w;
            try {
                w = b.asByteBuffer();
            } catch (UnsupportedOperationException e) {
                b.close();
                bytearray.close();
                return "refused: " + e.getClass().getSimpleName();
            }
            b.close();
            bytearray.close(); // the last reference: the exporter and its memory are freed
            python.exec("import gc; gc.collect(); _junk = [bytearray(64) for _ in range(1000)]");
            try {
                return "read " + w.get(0);
            } catch (IllegalStateException e) {
                return "late read: IllegalStateException";
            }
        }));
    }

    private static void backstop(PythonRuntime rt, BufferProtocol protocol) throws InterruptedException {
        try (PyRef bytearray = rt.call(python -> python.eval("bytearray(b'xyz')"))) {
            rt.call(python -> protocol.acquire(bytearray.address(), BufferFlags.SIMPLE) != null); // dropped, held
            for (int i = 0; i < 200 && GilOwnership.pendingReleases() == 0; i++) {
                System.gc();
                Thread.sleep(20);
            }
            print("backstop.queued", GilOwnership.pendingReleases()); // the Cleaner queued it, touched nothing
            print("backstop.afterNextCall", resize(rt, bytearray)); // that call's GIL entry released it
            print("backstop.pendingAfter", GilOwnership.pendingReleases());
        }
    }
}
