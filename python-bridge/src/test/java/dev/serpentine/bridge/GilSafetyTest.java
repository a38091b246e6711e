package dev.serpentine.bridge;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The GIL given back on every path, and decrefs that run Python code drained flat: each scenario in a forked JVM,
 * as a failure would hang or kill it.
 */
class GilSafetyTest {

    private static final List<String> NO_CORE = List.of("-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=/dev/null");

    /** A StackOverflowError anywhere around a call must never leave the GIL taken: another thread gets it after. */
    @Test
    void aStackOverflowAroundACallNeverLeaksTheGil() throws Exception {
        for (String kind : VirtualThreads.SUPPORTED ? List.of("platform", "virtual") : List.of("platform")) {
            for (int run = 0; run < 3; run++) {
                Fork.Result r = Fork.run(NO_CORE, Map.of(), 120, "stack-overflow-gil", kind);
                assertEquals(0, r.exitCode(), kind + " run " + run + ": " + r);
                assertTrue(r.output().contains("calls=true"), kind + ": " + r);
                assertEquals("42", r.value("other"), kind + " run " + run + ": " + r);
                assertEquals("2", r.value("again"), kind + " run " + run + ": " + r);
            }
        }
    }

    /**
     * 300 queued decrefs whose {@code __del__} calls back into Java (after recursing 0 or 8 levels in Python) are
     * drained one after another by the next call, not each inside the previous one's drain.
     */
    @Test
    void queuedDecrefsWhoseDelCallsJavaAreDrainedFlat() throws Exception {
        for (String how : List.of("virtual", "cleaner")) {
            if (how.equals("virtual") && !VirtualThreads.SUPPORTED) continue;
            for (String depth : List.of("0", "8")) {
                Fork.Result r = Fork.run(NO_CORE, Map.of(), 120, "del-drain", how, depth);
                assertEquals(0, r.exitCode(), how + " depth " + depth + ": " + r);
                if (how.equals("cleaner")) {
                    assumeTrue("0".equals(r.value("liveAfterGc")), "the Cleaner did not run in time: " + r);
                }
                assertEquals("300", r.value("ok"), how + " depth " + depth + ": " + r);
                assertEquals("[]", r.value("failed"), how + " depth " + depth + ": " + r);
            }
        }
    }
}
