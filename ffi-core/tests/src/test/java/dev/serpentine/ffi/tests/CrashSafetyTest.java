package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CPythonBinding;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broken installations end in a Java exception, never in the end of the JVM: {@link CrashProbe} provokes them in a
 * forked JVM (through each backend that runs on this Java) and must exit normally, having printed the refusals.
 */
class CrashSafetyTest {

    @TestFactory
    Stream<DynamicTest> brokenInstallationsAreRefusedAndTheJvmSurvives() {
        String spec = System.getProperty("serpentine.test.python");
        List<CPythonBinding> backends = Backends.available(getClass().getClassLoader());
        assertFalse(backends.isEmpty(), "no backend on Java " + ForkedJvm.feature());
        return backends.stream().map(CPythonBinding::backendName).map(backend -> DynamicTest.dynamicTest(
                "crash probe · " + backend + " · Java " + ForkedJvm.feature(), () -> probe(spec, backend)));
    }

    private static void probe(String spec, String backend) throws Exception {
        // PYTHONFAULTHANDLER/PYTHONDEVMODE would turn on faulthandler, whose SIGSEGV handler kills the JVM at the
        // first implicit null check; RunningInterpreter removes them before CPython reads its environment.
        ForkedJvm.Result r = ForkedJvm.run(CrashProbe.class, Map.of(),
                Map.of("PYTHONFAULTHANDLER", "1", "PYTHONDEVMODE", "1"), 300, backend, spec);
        assertEquals(0, r.exitCode(), r::describe);
        List<String> lines = r.output().lines().toList();
        String emptyHomePrefix = Path.of(System.getProperty("java.io.tmpdir"), "serpentine-probe-home-").toString();
        expectLine(r, lines, "no-stdlib: refused: the Python home " + emptyHomePrefix, "has no standard library (");
        expectLine(r, lines, "no-stdlib: loaded after refusal: false, running: false");
        Path libzip = Path.of(System.getProperty("java.home"), "lib", "libzip.so");
        expectLine(r, lines, "not-libpython: refused: cannot load " + libzip + ": ", "undefined symbol: Py");
        expectLine(r, lines, "not-libpython: loaded after refusal: false, running: false");
        expectLine(r, lines, "started: CPython ", ", faulthandler enabled: False, PYTHONFAULTHANDLER seen by Python: None");
        expectLine(r, lines, "implicit null checks survived: 100000 NullPointerExceptions, 100000 lengths");
    }

    /** Some line starts with {@code start} and contains every one of {@code parts}. */
    private static void expectLine(ForkedJvm.Result r, List<String> lines, String start, String... parts) {
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(start) && Stream.of(parts).allMatch(l::contains)),
                () -> "no line '" + start + "…" + String.join("…", parts) + "' in " + r.describe());
    }
}
