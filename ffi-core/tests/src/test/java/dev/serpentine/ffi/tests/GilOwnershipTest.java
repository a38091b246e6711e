package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.binding.GilOwnership;
import dev.serpentine.ffi.buffer.AcquiredBuffer;
import dev.serpentine.ffi.buffer.BufferFlags;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.serpentine.ffi.tests.BufferKit.PROTOCOL;
import static dev.serpentine.ffi.tests.BufferKit.PY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GIL marker and the releases deferred to the next GIL entry: marked per thread and nesting; releases run only
 * with the GIL, in order, one failure not stopping the rest, never from inside another release.
 */
class GilOwnershipTest {

    @Test
    void theMarkerIsPerThreadAndNests() throws InterruptedException {
        assertFalse(GilOwnership.holds());
        assertThrows(IllegalStateException.class, () -> GilOwnership.require("x"));
        try (var g = Live.gil()) {
            assertTrue(GilOwnership.holds());
            try (var inner = Live.gil()) {
                assertEquals(2, GilOwnership.depth());
            }
            assertEquals(1, GilOwnership.depth());
            boolean[] other = {true};
            Thread t = new Thread(() -> other[0] = GilOwnership.holds());
            t.start();
            t.join(10_000);
            assertFalse(other[0], "another thread holds nothing");
        }
        assertFalse(GilOwnership.holds());
    }

    @Test
    void deferredReleasesRunOnlyWithTheGilInOrderAndNeverNested() {
        List<String> ran = new ArrayList<>();
        GilOwnership.releaseLater(() -> {
            ran.add("first");
            GilOwnership.releaseLater(() -> ran.add("queued by first"));
            GilOwnership.releaseDeferred(); // from inside a release: leaves the rest to the running loop
            ran.add("first done");
        });
        GilOwnership.releaseLater(() -> {
            throw new IllegalStateException("a failing release");
        });
        GilOwnership.releaseLater(() -> ran.add("third"));
        GilOwnership.releaseDeferred(); // without the GIL: nothing runs
        assertEquals(List.of(), ran);
        assertEquals(3, GilOwnership.pendingReleases());
        try (var g = Live.gil()) { // a GIL entry runs them
            assertEquals(List.of("first", "first done", "third", "queued by first"), ran);
            assertEquals(0, GilOwnership.pendingReleases());
        }
    }

    @Test
    void theBufferApiChecksTheMarker() {
        long x;
        try (var g = Live.gil()) {
            x = Live.eval("bytearray(b'abc')");
        }
        try {
            AcquiredBuffer b;
            try (var g = Live.gil()) {
                b = PROTOCOL.acquire(x, BufferFlags.SIMPLE);
            }
            // The GIL taken without the marker (a check that failed to refuse would not crash this JVM then)
            int state = PY.PyGILState_Ensure();
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> PROTOCOL.acquire(x, BufferFlags.SIMPLE));
                assertTrue(e.getMessage().contains("needs the GIL"), e.getMessage());
                assertThrows(IllegalStateException.class, b::close, "closed outside a marked scope");
            } finally {
                PY.PyGILState_Release(state);
            }
            try (var g = Live.gil()) {
                assertEquals(3, b.len(), "still held after the refusal");
                b.close();
                assertThrows(IllegalStateException.class, b::len);
            }
        } finally {
            try (var g = Live.gil()) {
                PY.Py_DecRef(x);
            }
        }
    }
}
