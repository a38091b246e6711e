package dev.serpentine.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Python code cannot take the JVM's signals (issue 8, item 1): faulthandler.enable() — what pytest does — then
 * JIT-compiled implicit null checks (SIGSEGV, handled by the JVM), in a forked JVM, with and without the JDK's
 * signal-chaining library libjsig preloaded. Without the guard the first such NullPointerException kills the JVM
 * ("Fatal Python error: Segmentation fault", then hs_err).
 */
class SignalsTest {

    private static final String REFUSED = "ValueError(JVM)";
    private static final List<String> JVM_SIGNALS = List.of("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGPIPE",
            "SIGUSR2", "SIGQUIT");

    @TempDir
    Path tmp;

    private Fork.Result run(Map<String, String> env) throws Exception {
        return Fork.run(List.of("-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log")),
                env, 120, "signals");
    }

    /** Both cases: faulthandler on, the JVM alive through 2 × 20 000 implicit null checks, nothing blocked. */
    private static void assertTheJvmKeptItsSignals(Fork.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
        assertFalse(r.output().contains("Fatal Python error"), r.toString());
        assertEquals("True", r.value("enabled"), r.toString());
        assertTrue(r.value("npes").startsWith("20000 "), r.toString());
        assertTrue(r.value("npes.again").startsWith("20000 "), r.toString());
        assertEquals("(True, 42)", r.value("after"), "faulthandler still enabled, Python alive: " + r);
        for (String s : List.of("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGUSR2", "SIGQUIT")) {
            assertEquals(REFUSED, r.value("signal." + s), s + ": " + r);
            assertEquals(REFUSED, r.value("_signal." + s), s + ": " + r);
        }
        for (String s : JVM_SIGNALS) assertEquals(REFUSED, r.value("siginterrupt." + s), s + ": " + r);
        assertEquals("0", r.value("refcount.delta"), "a refused call keeps no reference: " + r);
        assertEquals(REFUSED, r.value("register.SIGUSR2"), r.toString());
        assertEquals("ok", r.value("register.SIGUSR1"), "Python keeps the signals the JVM does not use: " + r);
        assertEquals(REFUSED, r.value("block.SIGSEGV"), r.toString());
        assertEquals(REFUSED, r.value("setmask.SIGUSR2"), r.toString());
        assertEquals("[]", r.value("blocked"), "a refused mask changed nothing: " + r);
        assertEquals("ok", r.value("unblock.SIGSEGV"), r.toString());
        assertFalse(r.value("signal.SIGUSR1.main").contains("JVM"), r.toString());
        assertEquals("('signal', 'enable')", r.value("wrapped"), r.toString());
    }

    @Test
    void withoutLibjsigPythonCannotTakeTheJvmsSignals() throws Exception {
        Fork.Result r = run(Map.of());
        assertTheJvmKeptItsSignals(r);
        assertEquals(REFUSED, r.value("signal.SIGPIPE"), r.toString());
        assertEquals(REFUSED, r.value("register.SIGPIPE"), r.toString());
    }

    /** With libjsig the JVM chains what Python installs for the signals it set up at its start. */
    @Test
    void withLibjsigPythonsHandlersAreChainedBehindTheJvms() throws Exception {
        Path libjsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        assumeTrue(Files.isRegularFile(libjsig), "this JDK has no " + libjsig);
        Fork.Result r = run(Map.of("LD_PRELOAD", libjsig.toString()));
        assertTheJvmKeptItsSignals(r);
        assertFalse(r.value("signal.SIGPIPE").contains("JVM"), "chained by libjsig: " + r);
        assertEquals("ok", r.value("register.SIGPIPE"), "chained by libjsig: " + r);
    }
}
