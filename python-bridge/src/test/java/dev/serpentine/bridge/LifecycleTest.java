package dev.serpentine.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Starting, refusing and stopping the runtime, each in a forked JVM (an interpreter per process, never re-initialized). */
class LifecycleTest {

    private static final String VERSION = Bridge.RUNTIME.version().toString();
    private static final Path LIBPYTHON = Bridge.RUNTIME.installation().library();
    private static final String MINOR = Bridge.RUNTIME.version().minorVersion();

    @TempDir
    Path tmp;

    private Path homeWithLibrary(String name) throws IOException {
        Path home = Files.createDirectories(tmp.resolve(name).resolve("lib"));
        Files.createSymbolicLink(home.resolve(LIBPYTHON.getFileName()), LIBPYTHON);
        return home.getParent();
    }

    @Test
    void wrongInterpreterPathsAreRefusedBeforeCPythonIsTouched() throws Exception {
        Path missing = tmp.resolve("no-such-python");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path noStdlib = homeWithLibrary("no-stdlib");
        Path emptyStdlib = homeWithLibrary("empty-stdlib");
        Files.createDirectories(emptyStdlib.resolve("lib").resolve("python" + MINOR));
        Path bareLibrary = homeWithLibrary("bare-library").resolve("lib").resolve(LIBPYTHON.getFileName());
        Fork.Result r = Fork.run(List.of(), Map.of(), 120, "bad-paths", missing.toString(), empty.toString(),
                noStdlib.toString(), emptyStdlib.toString(), bareLibrary.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("no such interpreter: " + missing, r.value("refused0"), r.toString());
        assertTrue(r.value("refused1").startsWith("no shared libpython3.X.so in " + empty), r.toString());
        assertTrue(r.value("refused2").contains("has no standard library"), r.toString());
        assertTrue(r.value("refused3").contains("has no standard library"), r.toString());
        assertTrue(r.value("refused4").startsWith("no standard library lib/python" + MINOR), r.toString());
        for (int i = 0; i < 5; i++) assertEquals("false", r.value("initialized" + i), r.toString());
        assertEquals(VERSION, r.value("started"), "the right interpreter still starts afterwards: " + r);
        assertEquals("reached", r.value("end"), r.toString());
    }

    /**
     * A home that passes a look at {@code encodings} but whose standard library is broken would make
     * {@code Py_InitializeEx} call {@code exit()}: the JVM would vanish without an exception.
     */
    @Test
    void aBrokenStandardLibraryIsRefusedWithoutKillingTheJvm() throws Exception {
        Path home = homeWithLibrary("broken-stdlib");
        Path encodings = Files.createDirectories(home.resolve("lib").resolve("python" + MINOR).resolve("encodings"));
        Files.writeString(encodings.resolve("__init__.py"), "");
        Fork.Result r = Fork.run(List.of(), Map.of(), 120, "bad-paths", home.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.value("refused0").contains("standard library"), r.toString());
        assertEquals(VERSION, r.value("started"), r.toString());
    }

    @Test
    void anUnsupportedVersionIsRefusedBeforeInitializationNamingTheSupportedRange() throws Exception {
        Path pyenv = Path.of(System.getProperty("user.home"), ".pyenv", "versions");
        Path python38 = null;
        if (Files.isDirectory(pyenv)) {
            try (Stream<Path> versions = Files.list(pyenv)) {
                python38 = versions.filter(p -> p.getFileName().toString().startsWith("3.8."))
                        .sorted(Comparator.reverseOrder()).map(p -> p.resolve("bin").resolve("python3"))
                        .filter(Files::isExecutable).findFirst().orElse(null);
            }
        }
        assumeTrue(python38 != null, "no ~/.pyenv/versions/3.8.*/bin/python3 on this machine");
        Fork.Result r = Fork.run(List.of(), Map.of(), 120, "unsupported", python38.toString());
        assertEquals(0, r.exitCode(), r.toString());
        String refused = r.value("refused");
        assertNotNull(refused, r.toString());
        assertTrue(refused.startsWith("CPython 3.8 is not supported"), r.toString());
        assertTrue(refused.contains("cp39, cp310, cp311, cp312, cp313, cp314"), "names the supported range: " + r);
        assertEquals("false", r.value("initialized"), r.toString());
        assertEquals(VERSION, r.value("started"), r.toString());
    }

    @Test
    void faulthandlerAndDevModeFromTheEnvironmentAreIgnored() throws Exception {
        Fork.Result r = Fork.run(List.of("-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log")),
                Map.of("PYTHONFAULTHANDLER", "1", "PYTHONDEVMODE", "1"), 120, "faulthandler");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("False", r.value("faulthandler").replace("false", "False"), r.toString());
        assertEquals("false", r.value("devmode").toLowerCase().replace("0", "false"), r.toString());
        assertTrue(r.value("npes").startsWith("20000 "), r.toString());
        assertEquals("42", r.value("after"), r.toString());
    }

    @Test
    void shutdownRefusesCallsAndAStartAttachesToTheSameCPython() throws Exception {
        String own = System.getProperty("serpentine.test.python", "");
        assumeTrue(own.endsWith(".jar"), "needs the matrix's interpreter jars");
        Path other;
        try (Stream<Path> jars = Files.list(Path.of(own).getParent())) {
            other = jars.filter(p -> p.toString().endsWith(".jar") && !p.toString().equals(own)).findFirst().orElseThrow();
        }
        Fork.Result r = Fork.run(List.of(), Map.of(), 120, "shutdown", other.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("true", r.value("first.isShutdown"), r.toString());
        assertEquals("InterpreterUnavailableException", r.value("first.call"), r.toString());
        assertEquals("InterpreterUnavailableException", r.value("first.callTimeout"), r.toString());
        assertEquals("InterpreterUnavailableException", r.value("first.submit"), r.toString());
        assertEquals("true", r.value("second.isNew"), r.toString());
        assertEquals("set before shutdown", r.value("second.survivor"), "the same, still initialized CPython: " + r);
        assertEquals(Bridge.RUNTIME.backend(), r.value("second.abi_info"), r.toString());
        assertEquals("true", r.value("second.again"), r.toString());
        assertEquals("InterpreterUnavailableException", r.value("other.whileRunning"), r.toString());
        assertEquals("InterpreterUnavailableException", r.value("first.callAfterSecond"), r.toString());
        assertEquals("set before shutdown", r.value("kept"), r.toString());
        assertEquals("true", r.value("live"), r.toString());
        assertEquals("InterpreterUnavailableException", r.value("other.afterShutdown"), r.toString());
        assertEquals("set before shutdown", r.value("third.survivor"), r.toString());
        assertEquals("InterpreterUnavailableException", r.value("first.callAfterThird"), r.toString());
        assertEquals("InterpreterUnavailableException", r.value("second.callAfterThird"), r.toString());
        assertEquals("reached", r.value("end"), r.toString());
    }
}
