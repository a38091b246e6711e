package dev.serpentine.deserializer;

import org.junit.jupiter.api.Test;

/** References, memory growth (error paths included) and re-entrancy from a __del__ that runs inside loads. */
class ResourceTest {

    @Test
    void referencesAreExact() {
        Interpreter.noMismatches("refcounts()");
    }

    @Test
    void noGrowthOverManyCalls() {
        Interpreter.noMismatches("growth(400)");
    }

    @Test
    void loadsCalledFromADelDuringLoads() {
        Interpreter.noMismatches("reentrancy()");
    }
}
