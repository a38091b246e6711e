package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.Fork;
import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.VirtualThreads;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.serpentine.bridge.internal.TestRuntime.RT;
import static dev.serpentine.bridge.internal.TestRuntime.pendingDecrefs;
import static dev.serpentine.bridge.internal.TestRuntime.refcount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** PyRef ownership: close, double close, detach, the live count, the Cleaner backstop, closes off the GIL. */
class ReferencesTest {

    /** A fresh object owned only by the returned handle. */
    private static PyRef freshObject() {
        return RT.call(python -> python.eval("type('Target', (), {})()"));
    }

    @Test
    void closeDropsExactlyOneReferenceAndDoubleCloseIsHarmless() {
        try (PyRef target = freshObject()) {
            assertEquals(1, refcount(target), "the handle is the only owner");
            PyRef second = RT.call(python -> python.share(target));
            assertEquals(2, refcount(target));
            assertFalse(second.isClosed());
            second.close();
            assertTrue(second.isClosed());
            assertEquals(1, refcount(target));
            second.close();
            RT.call(python -> {
                second.close(); // with the GIL held too
                return null;
            });
            assertEquals(1, refcount(target), "a second close decref'd again");
            assertTrue(second.toString().contains("closed"), second.toString());
        }
    }

    @Test
    void aClosedHandleRefusesEveryUse() {
        PyRef target = freshObject();
        target.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, target::address);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, target::detach);
        RT.call(python -> {
            assertThrows(IllegalStateException.class, () -> python.toJava(target));
            assertThrows(IllegalStateException.class, () -> python.toPython(target));
            assertThrows(IllegalStateException.class, () -> python.share(target));
            assertThrows(IllegalStateException.class, () -> python.repr(target));
            assertThrows(IllegalStateException.class, () -> python.call(target));
            return null;
        });
    }

    @Test
    void detachHandsTheReferenceToTheCaller() {
        try (PyRef target = freshObject()) {
            long live = RT.liveHandles();
            PyRef second = RT.call(python -> python.share(target));
            assertEquals(live + 1, RT.liveHandles());
            long address = second.detach();
            assertEquals(target.address(), address);
            assertTrue(second.isClosed());
            assertEquals(live, RT.liveHandles(), "a detached handle is no longer counted");
            assertThrows(IllegalStateException.class, second::detach);
            second.close(); // no decref: the reference now belongs to the caller
            assertEquals(2, refcount(target));
            RT.call(python -> {
                TestRuntime.binding().Py_DecRef(address);
                return null;
            });
            assertEquals(1, refcount(target));
        }
    }

    @Test
    void liveHandlesGoUpAndBackDown() {
        long live = RT.liveHandles();
        List<PyRef> refs = RT.call(python -> {
            List<PyRef> r = new ArrayList<>();
            for (int i = 0; i < 100; i++) r.add(python.toPython((long) i * 1_000_003));
            return r;
        });
        assertEquals(live + 100, RT.liveHandles());
        for (int i = 0; i < 50; i++) refs.get(i).close();
        assertEquals(live + 50, RT.liveHandles());
        RT.call(python -> {
            for (int i = 50; i < 100; i++) refs.get(i).close();
            return null;
        });
        assertEquals(live, RT.liveHandles());
    }

    @Test
    void theCleanerQueuesDroppedHandlesAndTheNextGilEntryDecrefsThem() throws InterruptedException {
        settle();
        try (PyRef target = freshObject()) {
            long live = RT.liveHandles();
            RT.call(python -> {
                for (int i = 0; i < 200; i++) python.share(target); // dropped unclosed
                return null;
            });
            assertEquals(201, refcount(target));
            assertEquals(live + 200, RT.liveHandles());
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (RT.liveHandles() > live && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertEquals(live, RT.liveHandles(), "the Cleaner saw every dropped handle");
            long queued = pendingDecrefs().stream().filter(a -> a == target.address()).count();
            assertEquals(200, queued, "the Cleaner queues decrefs instead of touching Python off the GIL");
            assertEquals(1, refcount(target), "the next GIL entry drained the queue");
            assertFalse(pendingDecrefs().contains(target.address()));
        }
    }

    @Test
    void aCloseOnAVirtualThreadIsQueuedUntilTheNextGilEntry() throws InterruptedException {
        assumeTrue(VirtualThreads.SUPPORTED, "virtual threads need Java 21+");
        try (PyRef target = freshObject()) {
            PyRef second = RT.call(python -> python.share(target));
            long live = RT.liveHandles();
            int[] gil = {-1};
            Thread v = VirtualThreads.start(() -> {
                second.close();
                gil[0] = TestRuntime.binding().PyGILState_Check();
            });
            v.join(10_000);
            assertTrue(second.isClosed());
            assertEquals(0, gil[0], "the virtual thread did not take the GIL");
            assertEquals(live - 1, RT.liveHandles());
            assertTrue(pendingDecrefs().contains(target.address()), "queued for the next GIL entry");
            assertEquals(1, refcount(target), "drained at the next GIL entry");
            assertFalse(pendingDecrefs().contains(target.address()));
        }
    }

    @Test
    void aCloseOnAPlatformThreadWithoutTheGilDecrefsRightAway() throws InterruptedException {
        try (PyRef target = freshObject()) {
            PyRef second = RT.call(python -> python.share(target));
            Thread t = new Thread(second::close);
            t.start();
            t.join(10_000);
            assertTrue(second.isClosed());
            assertFalse(pendingDecrefs().contains(target.address()), "a platform thread takes the GIL itself");
            assertEquals(1, refcount(target));
        }
    }

    /**
     * Once Python code has created a sub-interpreter, CPython disables PyGILState_Check for good (it answers 1 on
     * every thread). A close on a platform thread without the GIL must still take it before the decref — which here
     * runs a {@code __del__}: without the GIL, that kills the JVM. In a fork: the change is process-wide.
     */
    @Test
    void aCloseAfterPythonCreatedASubInterpreterStillTakesTheGil() throws Exception {
        Fork.Result r = Fork.run(List.of("-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=/dev/null"), Map.of(), 120,
                "subinterpreter");
        assertEquals("0", r.value("checkBefore"), r.toString());
        assertEquals("1", r.value("checkAfter"), "CPython disabled PyGILState_Check, as this test assumes: " + r);
        assertEquals(0, r.exitCode(), "the JVM died: " + r);
        assertEquals("20", r.value("deleted"), r.toString());
        assertEquals("GilTimeoutException", r.value("timedCall"), "a timed call still times out: " + r);
        assertEquals("42", r.value("afterwards"), r.toString());
    }

    /** Lets garbage from earlier tests reach the Cleaner, so that the live count moves only for this test. */
    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        RT.call(python -> null);
    }
}
