package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.abi.AbiSelector;
import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CPythonBinding;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The ffi-core suite against every pyenv CPython on this machine ({@code ~/.pyenv/versions/*}) that Serpentine
 * supports — 3.9+, a shared libpython, an ABI bundle for its version and flavour — with each backend this Java runs:
 * one child JVM per interpreter and backend ({@link PyenvSuite}), its XML reports in
 * {@code target/pyenv-reports/<version>-<backend>/}. Interpreters that are not supported appear as skipped tests,
 * with the reason. Runs only in the {@code pyenv} Surefire execution ({@value #ENABLED}=true).
 */
class PyenvMatrixTest {

    static final String ENABLED = "serpentine.pyenv.matrix";
    static final String REPORTS = "serpentine.pyenv.reports";
    static final String TESTS = "serpentine.pyenv.tests";
    private static final long CHILD_TIMEOUT_SECONDS = 1800;

    @TestFactory
    Stream<DynamicNode> pyenvInterpretersPassTheSuite() {
        if (!Boolean.getBoolean(ENABLED)) {
            return Stream.of(DynamicTest.dynamicTest("pyenv matrix", () -> abort("runs in the pyenv execution of"
                    + " ffi-core/tests only (-D" + ENABLED + "=true)")));
        }
        List<String> selection = PyenvSuite.childSelection(System.getProperty(TESTS, ""));
        if (selection == null) {
            return Stream.of(DynamicTest.dynamicTest("pyenv matrix", () -> abort("-Dtest=" + System.getProperty(TESTS)
                    + " names no test class the pyenv children run")));
        }
        String childTests = String.join(",", selection);
        List<CPythonAbi> abis = new ArrayList<>();
        ServiceLoader.load(CPythonAbi.class, getClass().getClassLoader()).forEach(abis::add);
        List<String> backends = Backends.available(getClass().getClassLoader()).stream()
                .map(CPythonBinding::backendName).toList();
        int java = ForkedJvm.feature();

        List<DynamicNode> nodes = new ArrayList<>();
        List<Pyenv.Python> pythons = new ArrayList<>();
        for (Path executable : Pyenv.executables()) {
            try {
                pythons.add(Pyenv.describe(executable));
            } catch (RuntimeException e) {
                nodes.add(DynamicTest.dynamicTest("pyenv " + executable, () -> fail("cannot ask " + executable
                        + " what it is", e)));
            }
        }
        pythons.sort(Comparator.comparingInt(Pyenv.Python::major).thenComparingInt(Pyenv.Python::minor)
                .thenComparing(Pyenv.Python::version));
        for (Pyenv.Python p : pythons) {
            String unsupported = unsupported(p, abis);
            if (unsupported != null) {
                String name = "pyenv " + p.version() + (p.abiflags().contains("t") ? "t" : "") + " · not supported";
                nodes.add(DynamicTest.dynamicTest(name, () -> abort(p.executable() + ": " + unsupported)));
                continue;
            }
            for (String backend : backends) {
                nodes.add(DynamicTest.dynamicTest("pyenv " + p.version() + " · " + backend + " · Java " + java,
                        () -> runSuite(p, backend, childTests)));
            }
        }
        return nodes.stream();
    }

    /** Maven's {@code -Dtest} chooses the classes the children run, never the matrix or the forked-JVM tests. */
    @Test
    void childrenRunWhatMavensTestParameterSelects() {
        assertEquals(List.of(), PyenvSuite.childSelection(""));
        assertEquals(List.of(), PyenvSuite.childSelection("${test}"));
        assertEquals(List.of(), PyenvSuite.childSelection("PyenvMatrixTest"));
        assertEquals(List.of(), PyenvSuite.childSelection("*Test"), "everything, which includes the matrix");
        assertNull(PyenvSuite.childSelection("CrashSafetyTest"), "only a forked-JVM test: nothing for the children");
        assertEquals(List.of("InstallationTest", "Abi*"),
                PyenvSuite.childSelection("InstallationTest#missingPathIsRefused, **/Abi*.java, CrashSafetyTest, !BackendsTest"));

        List<String> patterns = PyenvSuite.includePatterns("InstallationTest,Abi*");
        assertTrue(matchesAny(patterns, InstallationTest.class.getName()));
        assertTrue(matchesAny(patterns, AbiSelectionTest.class.getName()));
        assertFalse(matchesAny(patterns, NativeMemoryTest.class.getName()));
        assertFalse(matchesAny(patterns, "dev.serpentine.ffi.tests.XInstallationTest"));
        List<String> all = PyenvSuite.includePatterns("");
        assertTrue(matchesAny(all, NativeMemoryTest.class.getName()));
        assertFalse(matchesAny(all, PyenvSuite.class.getName()), "a main class is no test class");
    }

    private static boolean matchesAny(List<String> regexes, String className) {
        return regexes.stream().anyMatch(className::matches);
    }

    /** Why Serpentine cannot embed {@code p}, or null when it can. */
    static String unsupported(Pyenv.Python p, List<CPythonAbi> abis) {
        if (p.major() != 3 || p.minor() < 9) return "CPython " + p.version() + " is older than 3.9";
        if (!p.shared()) return "built without --enable-shared: no libpython to embed";
        String tag = "cp" + p.major() + p.minor();
        String flavour = p.abiflags().contains("t") ? "free-threaded" : "default";
        if (abis.stream().noneMatch(a -> a.tag().equals(tag) && a.flavour().equals(flavour))) {
            return "no ABI bundle " + tag + " (" + flavour + ") (supported: " + AbiSelector.supported(abis) + ")";
        }
        return null;
    }

    private static void runSuite(Pyenv.Python p, String backend, String tests) throws IOException, InterruptedException {
        Path reports = Path.of(System.getProperty(REPORTS, "target/pyenv-reports"))
                .resolve(p.version() + "-" + backend).toAbsolutePath();
        deleteReports(reports);
        ForkedJvm.Result r = ForkedJvm.run(PyenvSuite.class,
                Map.of("serpentine.test.python", p.executable().toString(), "serpentine.backend", backend),
                Map.of(), CHILD_TIMEOUT_SECONDS, reports.toString(), tests);
        String summary = r.output().lines().filter(l -> l.startsWith("SUITE ")).reduce((a, b) -> b).orElse("no summary");
        System.out.println("pyenv " + p.version() + " · " + backend + ": " + summary);
        if (r.exitCode() != 0 || !summary.contains(" failed=0 ")) {
            fail("the ffi-core suite failed on pyenv " + p.version() + " with " + backend + " (" + summary + "); "
                    + r.describe());
        }
        // the child ran this interpreter through this backend, not whatever it found
        assertTrue(r.output().contains("ffi-core suite: CPython " + p.version() + " (default) from executable "
                + p.executable() + ", backend " + backend + ","), () -> "the child did not run the requested interpreter: "
                + r.describe());
        try (Stream<Path> xml = Files.list(reports)) {
            assertTrue(xml.anyMatch(f -> f.getFileName().toString().endsWith(".xml")), "no XML report in " + reports);
        }
    }

    private static void deleteReports(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) Files.delete(f);
            }
        }
    }
}
