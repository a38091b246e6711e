package dev.serpentine.bridge;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The buffer API without the GIL, with a sub-interpreter, after release, and forgotten: each a JVM crash before
 * (issue 8 items 7 and 8; issue 7 §4), now a clean exception or a deferred release. In a forked JVM
 * ({@link BufferGilMain}): a regression would kill it, and a sub-interpreter changes the process for good.
 */
class BufferGilTest {

    private static final Fork.Result RUN = run();

    private static Fork.Result run() {
        try {
            return Fork.run(BufferGilMain.class, List.of("-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=/dev/null"),
                    Map.of(), 120);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertOffTheGilRefused(String tag) {
        assertEquals("IllegalStateException", RUN.value(tag + ".acquire"), RUN.toString());
        assertTrue(RUN.value(tag + ".acquire.message").contains("needs the GIL"), RUN.toString());
        assertEquals("resized", RUN.value(tag + ".notHeld"), "the refused acquire held nothing: " + RUN);
        assertEquals("IllegalStateException", RUN.value(tag + ".close"), RUN.toString());
        assertTrue(RUN.value(tag + ".close.message").contains("needs the GIL"), RUN.toString());
        assertEquals("BufferError", RUN.value(tag + ".heldAfterRefusal"), "a refused close keeps the buffer: " + RUN);
        assertEquals("resized", RUN.value(tag + ".afterRetry"), "the retry inside a task released it: " + RUN);
    }

    @Test
    void theJvmSurvivedEveryScenario() {
        assertEquals(0, RUN.exitCode(), RUN.toString());
        assertEquals("reached", RUN.value("end"), RUN.toString());
        assertEquals("42", RUN.value("afterwards"), RUN.toString());
    }

    @Test
    void acquireAndCloseOutsideATaskAreRefusedAndTheRetryReleases() {
        assertOffTheGilRefused("plain");
    }

    @Test
    void aSubInterpreterDoesNotBlindTheCheck() {
        String sub = RUN.value("subinterpreter");
        if (!"created".equals(sub)) {
            assertEquals("not tried before 3.12", sub, RUN.toString());
            return;
        }
        assertEquals("1", RUN.value("gilStateCheck"), "CPython's own check now answers 1 without the GIL: " + RUN);
        assertOffTheGilRefused("sub");
    }

    @Test
    void aWindowIsNeverReadAfterRelease() {
        String expected = "ffm".equals(Bridge.RUNTIME.backend())
                ? "late read: IllegalStateException" // the segment closed at release
                : "refused: UnsupportedOperationException"; // JNA cannot revoke one, so it hands out none
        assertEquals(expected, RUN.value("window"), RUN.toString());
    }

    @Test
    void aForgottenBufferIsReleasedAtTheNextGilEntry() {
        assertTrue(Integer.parseInt(RUN.value("backstop.queued")) >= 1, "the Cleaner queued the release: " + RUN);
        assertEquals("resized", RUN.value("backstop.afterNextCall"), RUN.toString());
        assertEquals("0", RUN.value("backstop.pendingAfter"), RUN.toString());
    }
}
