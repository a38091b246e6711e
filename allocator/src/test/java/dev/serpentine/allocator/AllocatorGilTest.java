package dev.serpentine.allocator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allocator without the GIL, with a sub-interpreter, and forgotten blocks (issue 8 items 6 and 15; issue 7 §4):
 * a clean exception where the JVM crashed or a block leaked, a deferred free where the Cleaner would have touched
 * Python off the GIL. In a forked JVM ({@link AllocatorGilMain}).
 */
class AllocatorGilTest {

    private static final Fork.Result RUN = run();

    private static Fork.Result run() {
        try {
            return Fork.run(AllocatorGilMain.class, 120, "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=/dev/null");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertRefused(String key) {
        assertEquals("IllegalStateException", RUN.value(key), key + ": " + RUN);
        assertTrue(RUN.value(key + ".message").contains("needs the GIL"), key + ": " + RUN);
    }

    private static void assertOffTheGil(String tag) {
        for (String op : new String[]{"malloc", "calloc", "newBuffer", "realloc", "free"}) assertRefused(tag + "." + op);
        assertEquals("1", RUN.value(tag + ".liveBlocksAfterRefusals"), "refusals allocate and free nothing: " + RUN);
        assertEquals("ok", RUN.value(tag + ".raw"), "the raw domain needs no GIL: " + RUN);
        assertRefused(tag + ".blockClose");
        assertRefused(tag + ".bufferClose");
        assertEquals("2", RUN.value(tag + ".liveBlocksAfterRefusedCloses"), RUN.toString());
        assertEquals("ok", RUN.value(tag + ".bufferStillUsable"), "a refused close leaves the buffer open: " + RUN);
        assertEquals("0", RUN.value(tag + ".liveBlocksAfterRetry"), "the retry inside a task freed both: " + RUN);
    }

    @Test
    void theJvmSurvivedEveryScenario() {
        assertEquals(0, RUN.exitCode(), RUN.toString());
        assertEquals("reached", RUN.value("end"), RUN.toString());
        assertEquals("42", RUN.value("afterwards"), RUN.toString());
    }

    @Test
    void thePyMemDomainOutsideATaskIsRefusedAndARefusedCloseStaysOpen() {
        assertOffTheGil("plain");
    }

    @Test
    void aSubInterpreterDoesNotBlindTheCheck() {
        String sub = RUN.value("subinterpreter");
        if (!"created".equals(sub)) {
            assertEquals("not tried before 3.12", sub, RUN.toString());
            return;
        }
        assertEquals("1", RUN.value("gilStateCheck"), "CPython's own check now answers 1 without the GIL: " + RUN);
        assertOffTheGil("sub");
    }

    @Test
    void forgottenBuffersAndBlocksAreFreedAtTheNextGilEntry() {
        assertEquals("3", RUN.value("backstop.dropped"), RUN.toString());
        assertTrue(Integer.parseInt(RUN.value("backstop.queued")) >= 3, "the Cleaner queued the frees: " + RUN);
        assertEquals("3", RUN.value("backstop.liveWhileQueued"), "the Cleaner freed nothing itself: " + RUN);
        assertEquals("0", RUN.value("backstop.liveAfterNextCall"), RUN.toString());
        assertEquals("0", RUN.value("backstop.liveBytesAfterNextCall"), RUN.toString());
        assertEquals("0", RUN.value("backstop.pendingAfter"), RUN.toString());
    }
}
