package dev.serpentine.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 8 items 4, 9, 10, 11 and the adoption of a running interpreter (issue 7): each scenario in a forked JVM,
 * because without the fixes it crashes, exits or hangs the JVM.
 */
class InterpreterLifecycleTest {

    private static final String VERSION = Bridge.RUNTIME.version().toString();
    private static final String MINOR = Bridge.RUNTIME.version().minorVersion();
    private static final Path HOME = Bridge.RUNTIME.installation().home();
    private static final Path LIBPYTHON = Bridge.RUNTIME.installation().library();

    @TempDir
    Path tmp;

    // --- item 10: fatal initialization errors --------------------------------------------------------------------

    /**
     * Settings CPython rejects while reading its configuration, before it creates anything: each start is refused
     * with CPython's message, CPython stays uninitialized, and a start without the setting then succeeds in the same
     * process. The oracle for "rejected" is the interpreter's own python executable with the same setting.
     */
    @Test
    void badEnvironmentSettingsAreRefusedAndALaterStartSucceeds() throws Exception {
        List<String> settings = List.of("PYTHONMALLOC=bogus", "PYTHONHASHSEED=bogus", "PYTHONINTMAXSTRDIGITS=-5",
                "PYTHON_CPU_COUNT=bogus");
        Fork.Result r = Fork.run(LifecycleForks.class, List.of(), Map.of(), 120,
                Stream.concat(Stream.of("start-failures"), settings.stream()).toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        for (int i = 0; i < settings.size(); i++) {
            String[] kv = settings.get(i).split("=", 2);
            Oracle o = pythonWith(Map.of(kv[0], kv[1]));
            String result = r.value("result" + i);
            if (o.rc == 0) {
                assertEquals("started " + VERSION, result, settings.get(i) + " is accepted by python itself: " + r);
            } else {
                assertTrue(result.startsWith("refused InterpreterUnavailableException: CPython " + MINOR), r.toString());
                assertTrue(result.contains("CPython was left uninitialized"), r.toString());
                assertTrue(result.contains(o.reason), "CPython's own message '" + o.reason + "': " + r);
                assertEquals("false", r.value("initialized" + i), r.toString());
            }
        }
        assertEquals(VERSION, r.value("started"), "a later start succeeds: " + r);
    }

    @Test
    void aBadIoEncodingIsRefused() throws Exception {
        assertRefusedTwice(Map.of("PYTHONIOENCODING", "bogus-codec"), "");
    }

    @Test
    void aBrokenEncodingsPackageOnPythonPathIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("path").resolve("encodings"));
        Files.writeString(dir.resolve("__init__.py"), "raise ImportError('this encodings package is broken')\n");
        assertRefusedTwice(Map.of("PYTHONPATH", dir.getParent().toString()), "");
    }

    @Test
    void aSiteCustomizeRaisingSystemExitIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("site"));
        Files.writeString(dir.resolve("sitecustomize.py"), "raise SystemExit(3)\n");
        assertRefusedTwice(Map.of("PYTHONPATH", dir.toString()), "");
    }

    @Test
    void aHomeWithASyntaxErrorInTheUtf8CodecIsRefused() throws Exception {
        Path home = linkedHome("broken-utf8");
        Path encodings = home.resolve("lib").resolve("python" + MINOR).resolve("encodings");
        Files.delete(encodings.resolve("utf_8.py"));
        Files.writeString(encodings.resolve("utf_8.py"), "def broken(:\n");
        assertRefusedTwice(Map.of(), home.toString());
    }

    /**
     * A failure past CPython's point of no return: the first start is refused with CPython's message (and python
     * itself fails the same way), the second with the note that this process cannot initialize CPython again.
     */
    private void assertRefusedTwice(Map<String, String> env, String interpreter) throws Exception {
        List<String> jvmArgs = interpreter.isEmpty() ? List.of() : List.of("-Dserpentine.test.python=" + interpreter);
        Fork.Result r = Fork.run(LifecycleForks.class, jvmArgs, env, 120, "refused-twice");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("alive", r.value("jvm"), r.toString());
        Oracle o = interpreter.isEmpty() ? pythonWith(env) : pythonOf(Path.of(interpreter), env);
        assertTrue(o.rc != 0, "python itself fails with this setting: " + o);
        String first = r.value("first");
        assertTrue(first.startsWith("refused InterpreterUnavailableException: CPython " + MINOR), r.toString());
        assertTrue(first.contains("failed to initialize"), r.toString());
        String second = r.value("second");
        assertTrue(second.startsWith("refused InterpreterUnavailableException"), r.toString());
        if (first.contains("left uninitialized")) {
            assertTrue(second.contains("left uninitialized"), "refused again for the same reason: " + r);
        } else {
            assertTrue(first.contains("cannot be initialized again in this process"), r.toString());
            assertTrue(second.contains("cannot be initialized again in this process"), r.toString());
        }
    }

    /** A home of links to the running one, with its own {@code encodings} directory of links (files replaceable). */
    private Path linkedHome(String name) throws IOException {
        Path home = Files.createDirectories(tmp.resolve(name));
        linkAllBut(HOME, home, "lib");
        Path lib = Files.createDirectories(home.resolve("lib"));
        linkAllBut(HOME.resolve("lib"), lib, "python" + MINOR);
        Path stdlib = Files.createDirectories(lib.resolve("python" + MINOR));
        linkAllBut(HOME.resolve("lib").resolve("python" + MINOR), stdlib, "encodings");
        Path encodings = Files.createDirectories(stdlib.resolve("encodings"));
        // No __pycache__: the bytecode cached for the real files must not stand in for replaced ones.
        linkAllBut(HOME.resolve("lib").resolve("python" + MINOR).resolve("encodings"), encodings, "__pycache__");
        return home;
    }

    private static void linkAllBut(Path from, Path to, String except) throws IOException {
        if (!Files.isDirectory(from)) return;
        try (Stream<Path> entries = Files.list(from)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (!p.getFileName().toString().equals(except)) {
                    Files.createSymbolicLink(to.resolve(p.getFileName().toString()), p);
                }
            }
        }
    }

    private record Oracle(int rc, String reason, String output) {
    }

    private Oracle pythonWith(Map<String, String> env) throws Exception {
        return pythonOf(HOME, env);
    }

    /** The home's own python executable, run with {@code env}: its exit code and its "Fatal Python error" reason. */
    private static Oracle pythonOf(Path home, Map<String, String> env) throws Exception {
        Path python = home.resolve("bin").resolve("python3"); // Maven Central builds: also <home>/python3.X
        if (!Files.isExecutable(python)) python = home.resolve("python" + MINOR);
        assumeTrue(Files.isExecutable(python), "no " + python + " to compare with");
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "-c", "pass").redirectErrorStream(true);
        Map<String, String> e = new HashMap<>(env);
        e.put("PYTHONHOME", home.toString());
        e.put("LD_LIBRARY_PATH", LIBPYTHON.getParent().toString());
        pb.environment().putAll(e);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), python + " ended");
        String reason = "";
        for (String line : out.split("\n")) {
            if (line.startsWith("Fatal Python error: ")) {
                reason = line.substring("Fatal Python error: ".length());
                int colon = reason.indexOf(": ");
                if (colon >= 0) reason = reason.substring(colon + 2); // "func: message" → message
            }
        }
        return new Oracle(p.exitValue(), reason, out);
    }

    // --- item 9: truncated libpython ----------------------------------------------------------------------------

    @Test
    void aTruncatedLibpythonIsRefusedBeforeItIsLoaded() throws Exception {
        long size = Files.size(LIBPYTHON);
        List<String> homes = new ArrayList<>();
        for (long length : new long[]{4096, 65536, 3L << 20, size - 4096}) {
            Path home = Files.createDirectories(tmp.resolve("truncated-" + length));
            Path lib = Files.createDirectories(home.resolve("lib"));
            Files.createSymbolicLink(lib.resolve("python" + MINOR), HOME.resolve("lib").resolve("python" + MINOR));
            Path copy = lib.resolve(LIBPYTHON.getFileName().toString());
            Files.copy(LIBPYTHON, copy);
            try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
                f.setLength(length);
            }
            homes.add(home.toString());
        }
        Fork.Result r = Fork.run(List.of(), Map.of(), 120, "bad-paths", homes.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        for (int i = 0; i < homes.size(); i++) {
            String refused = r.value("refused" + i);
            assertTrue(refused.startsWith("refusing to load " + homes.get(i)), r.toString());
            assertTrue(refused.contains("extend beyond its end"), r.toString());
            assertEquals("false", r.value("initialized" + i), r.toString());
        }
        assertEquals(VERSION, r.value("started"), "the right interpreter still starts afterwards: " + r);
    }

    // --- item 4: a freed __main__ --------------------------------------------------------------------------------

    @Test
    void droppingMainFromSysModulesKeepsTheNamespaceAlive() throws Exception {
        Fork.Result r = Fork.run(LifecycleForks.class, List.of(), Map.of(), 120, "freed-main");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("true", r.value("moduleFreed"), "the module itself is gone: " + r);
        assertEquals("10000", r.value("len"), r.toString());
        assertEquals("1", r.value("refsDropped"), "only the module's reference to its dict went away: " + r);
        assertEquals("42", r.value("x"), r.toString());
        assertEquals("false", r.value("newMain"), "no __main__ is conjured up: " + r);
    }

    // --- item 11: restart deadlock --------------------------------------------------------------------------------

    @Test
    void aStartInsideATaskWhileAnotherThreadStartsDoesNotDeadlock() throws Exception {
        Fork.Result r = Fork.run(LifecycleForks.class, List.of(), Map.of(), 120, "restart-deadlock");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("true", r.value("sameRuntime"), r.toString());
        assertEquals("true", r.value("newRuntime"), r.toString());
        assertEquals("42", r.value("works"), r.toString());
    }

    // --- issue 7: a second copy of the platform adopts the running interpreter -----------------------------------

    @Test
    void aReloadedPlatformAdoptsTheRunningInterpreter() throws Exception {
        Fork.Result r = Fork.run(LifecycleForks.class, List.of(), Map.of(), 120, "adopt");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("true", r.value("separateClasses"), r.toString());
        assertTrue(r.value("adopted").startsWith("CPython " + VERSION), r.toString());
        assertEquals("set by the first copy", r.value("kept"), "the same interpreter, not a new one: " + r);
        assertEquals("set by the first copy", r.value("firstStillWorks"), r.toString());
    }
}
