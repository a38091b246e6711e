package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.EmbeddedCPython;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.RunningInterpreter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Finding an installation on disk ({@link CPythonInstallation}) and refusing broken ones with a message before
 * CPython is touched; starting a second, different interpreter in a process that already runs one.
 */
class InstallationTest {

    @TempDir
    Path tmp;

    /** The installation this JVM runs. */
    private static CPythonInstallation running() {
        return Live.INTERPRETER.installation();
    }

    private static String minor() {
        return running().version().minorVersion();
    }

    /** The running libpython's file name, e.g. {@code libpython3.13.so.1.0}: a name {@code locate} recognises. */
    private static String libraryName() {
        return running().library().getFileName().toString();
    }

    private static InterpreterUnavailableException refused(Executable call) {
        return assertThrows(InterpreterUnavailableException.class, call);
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "message should mention '" + part + "': " + message);
        }
    }

    // --- locate: what is not an interpreter ------------------------------------------------------------------

    @Test
    void missingPathIsRefused() {
        Path missing = tmp.resolve("no-python-here");
        var e = refused(() -> CPythonInstallation.locate(missing.toString()));
        assertEquals("no such interpreter: " + missing, e.getMessage());
    }

    @Test
    void plainTextFileIsRefused() throws IOException {
        Path text = Files.writeString(tmp.resolve("python-notes.txt"), "not a python\n");
        var e = refused(() -> CPythonInstallation.locate(text.toString()));
        // neither a home, a jar nor a libpython: tried as an executable, which it is not
        assertMentions(e.getMessage(), "cannot run " + text, "Permission denied");
    }

    @Test
    void textFileNamedLikeAJarIsRefused() throws IOException {
        Path jar = Files.writeString(tmp.resolve("cpython-9.9.9-linux-x86_64.jar"), "not a zip\n");
        var e = refused(() -> withCache(() -> CPythonInstallation.locate(jar.toString())));
        assertMentions(e.getMessage(), "cannot unpack " + jar + " into " + tmp.resolve("cache"));
        assertNoUnpackLeftovers();
    }

    @Test
    void jarWithoutTheCPythonTreeIsRefused() throws IOException {
        Path jar = tmp.resolve("some-library-1.0.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("org/example/Thing.class"));
            zip.write(new byte[]{(byte) 0xca, (byte) 0xfe});
            zip.closeEntry();
        }
        var e = refused(() -> withCache(() -> CPythonInstallation.locate(jar.toString())));
        assertMentions(e.getMessage(), "cannot unpack " + jar, "holds no org/bytedeco/cpython/linux-x86_64/ tree",
                "not an org.bytedeco:cpython jar");
        assertNoUnpackLeftovers();
    }

    @Test
    void directoryWithoutLibpythonIsRefused() throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.createDirectories(home.resolve("lib").resolve("python" + minor()).resolve("encodings"));
        Files.writeString(home.resolve("lib").resolve("libpython3.so"), "stable ABI stub: not embeddable\n");
        var e = refused(() -> CPythonInstallation.locate(home.toString()));
        assertEquals("no shared libpython3.X.so in " + home + " or " + home.resolve("lib")
                + " (CPython must be built with --enable-shared to be embedded)", e.getMessage());
    }

    @Test
    void homeWhoseStandardLibraryLacksEncodingsIsRefused() throws IOException {
        // the Maven Central layout: libpython in the home itself
        Path flat = Files.createDirectories(tmp.resolve("flat"));
        Files.createSymbolicLink(flat.resolve(libraryName()), running().library());
        Path flatStdlib = Files.createDirectories(flat.resolve("lib").resolve("python" + minor()));
        Files.writeString(flatStdlib.resolve("os.py"), "# an os module, but no encodings package\n");
        assertNoStandardLibrary(flat, () -> CPythonInstallation.locate(flat.toString()));

        // the configure --enable-shared layout: libpython in <home>/lib, next to python3.X/
        Path prefix = Files.createDirectories(tmp.resolve("prefix"));
        Path lib = Files.createDirectories(prefix.resolve("lib"));
        Files.createSymbolicLink(lib.resolve(libraryName()), running().library());
        Files.createDirectories(lib.resolve("python" + minor()).resolve("site-packages"));
        assertNoStandardLibrary(prefix, () -> CPythonInstallation.locate(prefix.toString()));
        assertNoStandardLibrary(prefix, () -> CPythonInstallation.locate(lib.resolve(libraryName()).toString()));
    }

    private static void assertNoStandardLibrary(Path home, Executable call) {
        var e = refused(call);
        Path encodings = home.resolve("lib").resolve("python" + minor()).resolve("encodings").resolve("__init__.py");
        assertEquals("the Python home " + home + " has no standard library (" + encodings + " is missing); CPython "
                + minor() + " cannot start without it", e.getMessage());
    }

    @Test
    void libpythonWithNoStandardLibraryAboveItIsRefused() throws IOException {
        Path lonely = Files.createDirectories(tmp.resolve("opt").resolve("lonely"));
        Path lib = Files.createSymbolicLink(lonely.resolve(libraryName()), running().library());
        var e = refused(() -> CPythonInstallation.locate(lib.toString()));
        assertEquals("no standard library lib/python" + minor() + " in any directory above " + lib, e.getMessage());
    }

    // --- locate: well-formed trees ---------------------------------------------------------------------------

    @Test
    void fakeTreesAroundTheRealFilesAreRecognisedInBothLayouts() throws IOException {
        Path flat = Files.createDirectories(tmp.resolve("flat"));
        Files.createSymbolicLink(flat.resolve(libraryName()), running().library());
        Files.createDirectories(flat.resolve("lib"));
        Files.createSymbolicLink(flat.resolve("lib").resolve("python" + minor()), running().standardLibrary());
        CPythonInstallation a = CPythonInstallation.locate(flat.toString());
        assertEquals(flat, a.home());
        assertEquals(flat.resolve(libraryName()), a.library());
        assertEquals(minor(), a.version().minorVersion());
        assertEquals(-1, a.version().micro(), "a library name tells the minor version only");
        assertEquals("home " + flat, a.origin());

        Path prefix = Files.createDirectories(tmp.resolve("prefix"));
        Path lib = Files.createDirectories(prefix.resolve("lib"));
        Files.createSymbolicLink(lib.resolve(libraryName()), running().library());
        Files.createSymbolicLink(lib.resolve("python" + minor()), running().standardLibrary());
        CPythonInstallation b = CPythonInstallation.locate(lib.resolve(libraryName()).toString());
        assertEquals(prefix, b.home(), "the home of <prefix>/lib/libpython is <prefix>");
        assertEquals(lib.resolve(libraryName()), b.library());
        assertEquals(prefix.resolve("lib").resolve("python" + minor()), b.standardLibrary());
        assertEquals("library " + lib.resolve(libraryName()), b.origin());
    }

    @Test
    void homeAndLibraryOfTheRunningInstallationAgree() throws IOException {
        CPythonInstallation fromHome = CPythonInstallation.fromHome(running().home());
        CPythonInstallation fromLibrary = CPythonInstallation.fromLibrary(running().library());
        for (CPythonInstallation found : List.of(fromHome, fromLibrary)) {
            assertEquals(running().home(), found.home(), found.origin());
            assertTrue(Files.isSameFile(running().library(), found.library()), found.origin() + ": " + found.library());
            assertTrue(running().version().sameMinor(found.version()), found.origin() + ": " + found.version());
            assertEquals(running().standardLibrary(), found.standardLibrary(), found.origin());
            assertEquals(running().preload(), found.preload(), found.origin());
        }
        // a pyenv executable reports the development symlink (libpython3.X.so), the home search the versioned file
        assertTrue(Files.isSameFile(fromHome.library(), fromLibrary.library()));
        assertEquals("home " + running().home(), fromHome.origin());
        assertEquals("library " + running().library(), fromLibrary.origin());
        assertTrue(Files.isRegularFile(fromHome.standardLibrary().resolve("encodings").resolve("__init__.py")));
    }

    // --- fromExecutable ------------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> pyenvExecutablesReportTheirInstallation() {
        List<Pyenv.Python> pythons = Pyenv.pythons();
        assumeFalse(pythons.isEmpty(), "no pyenv pythons under " + Pyenv.versionsDir());
        return pythons.stream().map(p -> DynamicTest.dynamicTest(p + " (" + p.executable() + ")", () -> {
            if (p.major() != 3) {
                var e = refused(() -> CPythonInstallation.fromExecutable(p.executable()));
                assertMentions(e.getMessage(), p.executable().toString());
            } else if (!p.shared()) {
                var e = refused(() -> CPythonInstallation.fromExecutable(p.executable()));
                assertEquals(p.executable() + " has no shared libpython (built without --enable-shared); only CPython"
                        + " with a shared library can be embedded", e.getMessage());
            } else {
                CPythonInstallation inst = CPythonInstallation.fromExecutable(p.executable());
                assertEquals(Path.of(p.prefix()), inst.home());
                assertEquals(p.minorVersion(), inst.version().minorVersion());
                assertTrue(Files.isRegularFile(inst.library()), inst.library().toString());
                assertTrue(inst.library().getFileName().toString().startsWith("libpython" + p.minorVersion()),
                        inst.library().toString());
                assertTrue(Files.isSameFile(inst.library(), CPythonInstallation.fromHome(inst.home()).library()));
                assertTrue(Files.isRegularFile(inst.standardLibrary().resolve("encodings").resolve("__init__.py")));
                assertEquals("executable " + p.executable(), inst.origin());
                assertEquals(inst, CPythonInstallation.locate(p.executable().toString()));
            }
        }));
    }

    @Test
    void executableWithoutSharedLibraryIsRefused() throws IOException {
        Path python = fakePython("static-python3", "echo /opt/static\necho /opt/static/lib/libpython3.12.a\necho 0\n");
        var e = refused(() -> CPythonInstallation.fromExecutable(python));
        assertEquals(python + " has no shared libpython (built without --enable-shared); only CPython with a shared"
                + " library can be embedded", e.getMessage());
    }

    @Test
    void executableReportingAMissingLibraryIsRefused() throws IOException {
        Path python = fakePython("broken-python3", "echo " + tmp + "\necho " + tmp.resolve("libpython3.12.so.1.0")
                + "\necho 1\n");
        var e = refused(() -> CPythonInstallation.fromExecutable(python));
        assertEquals(python + " reports libpython at " + tmp.resolve("libpython3.12.so.1.0") + ", which does not exist",
                e.getMessage());
    }

    @Test
    void executableThatFailsIsRefusedWithItsOutput() throws IOException {
        Path python = fakePython("failing-python3", "echo 'ModuleNotFoundError: No module named sysconfig' >&2\nexit 1\n");
        var e = refused(() -> CPythonInstallation.fromExecutable(python));
        assertMentions(e.getMessage(), python + " failed: ", "No module named sysconfig");
    }

    /**
     * Issue 8 item 14: a "python" that never ends, whose child keeps the output open, is killed with its whole process
     * tree after the probe timeout, instead of blocking {@code start()} for as long as it runs.
     */
    @Test
    void executableThatNeverEndsIsKilledAfterTheProbeTimeout() throws Exception {
        Path pidFile = tmp.resolve("sleeper.pid");
        Path python = fakePython("hanging-python3", "echo started\nsleep 600 &\necho $! > " + pidFile + "\nwait\n");
        String before = System.getProperty(CPythonInstallation.PROBE_TIMEOUT_PROPERTY);
        System.setProperty(CPythonInstallation.PROBE_TIMEOUT_PROPERTY, "2");
        try {
            var e = refused(() -> CPythonInstallation.locate(python.toString()));
            assertEquals(python + " did not report its installation within 2 s (-D"
                    + CPythonInstallation.PROBE_TIMEOUT_PROPERTY + "); killed it. Output: started\n", e.getMessage());
        } finally {
            if (before == null) System.clearProperty(CPythonInstallation.PROBE_TIMEOUT_PROPERTY);
            else System.setProperty(CPythonInstallation.PROBE_TIMEOUT_PROPERTY, before);
        }
        long sleeper = Long.parseLong(Files.readString(pidFile).trim());
        // Killed with the tree, it ends soon; the wait only bounds a failure (a sleeper left running for 600 s).
        for (int i = 0; i < 1200 && running(sleeper); i++) Thread.sleep(50);
        assertFalse(running(sleeper), "the grandchild was killed with its parent");
    }

    /** Alive and not a zombie (an orphan waits for a reaper that a container's init may never be). */
    private static boolean running(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) return false;
        String s;
        try {
            s = Files.readString(stat);
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
        return s.charAt(s.lastIndexOf(')') + 2) != 'Z';
    }

    /**
     * Issue 8 item 9: ld.so maps a library by the sizes its headers declare, so {@code dlopen} of a truncated copy dies
     * of SIGBUS. The file is checked first (the forked end-to-end test is python-bridge's InterpreterLifecycleTest).
     */
    @Test
    void truncatedLibrariesAreRefusedBeforeLoading() throws IOException {
        Path whole = running().library();
        long size = Files.size(whole);
        for (long length : new long[]{0, 63, 4096, 65536, 3L << 20, size - 4096, size - 1}) {
            Path copy = Files.createDirectories(tmp.resolve("t" + length)).resolve(libraryName());
            try (var in = Files.newInputStream(whole); var out = Files.newOutputStream(copy)) {
                out.write(in.readNBytes((int) length));
            }
            CPythonInstallation truncated = new CPythonInstallation(running().home(), copy, running().version(),
                    List.of(), "test: truncated to " + length);
            var e = refused(truncated::checkLibraries);
            assertMentions(e.getMessage(), "refusing to load " + copy + ": ", "beyond its end at " + length + " bytes");
        }
        running().checkLibraries(); // the whole file passes
        Path text = Files.writeString(tmp.resolve(libraryName()), "not a library at all, but text that is longer than the 64 bytes of an ELF header.");
        var e = refused(new CPythonInstallation(running().home(), text, running().version(), List.of(), "test")::checkLibraries);
        assertEquals("refusing to load " + text + ": it is not an ELF file", e.getMessage());
    }

    /** A shell script standing in for python: fromExecutable only reads its output. */
    private Path fakePython(String name, String body) throws IOException {
        Path script = tmp.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    // --- RunningInterpreter.start with another installation --------------------------------------------------

    @Test
    void startingADifferentInstallationWhileOneRunsIsRefused() throws IOException {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("libpython3.99.so.1.0"), "never loaded\n");
        Path encodings = Files.createDirectories(other.resolve("lib").resolve("python3.99").resolve("encodings"));
        Files.writeString(encodings.resolve("__init__.py"), "");
        CPythonInstallation another = CPythonInstallation.locate(other.toString());

        var e = refused(() -> RunningInterpreter.start(Live.PY, another));
        assertEquals("CPython " + Live.INTERPRETER.version() + " from " + running().origin() + " already runs in this"
                + " process (backend " + Live.PY.backendName() + "); one interpreter per process, never re-initialized"
                + " — cannot start home " + other, e.getMessage());
        assertSame(Live.INTERPRETER, RunningInterpreter.start(Live.PY, running()), "the running one is kept");
    }

    @Test
    void startingTheRunningInstallationThroughAnotherBackendIsRefused() {
        CPythonBinding other = Backends.available(getClass().getClassLoader()).stream()
                .filter(b -> !b.backendName().equals(Live.PY.backendName())).findFirst().orElse(null);
        assumeTrue(other != null, "only " + Live.PY.backendName() + " runs on Java " + Runtime.version().feature());
        var e = refused(() -> RunningInterpreter.start(other, running()));
        assertMentions(e.getMessage(), "already runs in this process (backend " + Live.PY.backendName() + ")",
                "cannot start " + running().origin());
        assertFalse(other.isLoaded(), "the refused backend must not have loaded libpython");
    }

    @Test
    void startingTheRunningInstallationFoundAnotherWayReturnsIt() {
        assertSame(Live.INTERPRETER, RunningInterpreter.start(Live.PY, CPythonInstallation.fromHome(running().home())));
        assertSame(Live.INTERPRETER, RunningInterpreter.start(Live.PY, CPythonInstallation.fromLibrary(running().library())));
    }

    @Test
    void bogusHomeRecordIsRefusedBeforeAnythingElse() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty-home"));
        CPythonInstallation bogus = new CPythonInstallation(empty, running().library(), running().version(),
                running().preload(), "test: a home without a standard library");
        var e = refused(() -> RunningInterpreter.start(Live.PY, bogus));
        // checked first: not the "already runs" refusal, which comes after the file checks
        assertEquals("the Python home " + empty + " has no standard library ("
                + empty.resolve("lib").resolve("python" + minor()).resolve("encodings").resolve("__init__.py")
                + " is missing); CPython " + minor() + " cannot start without it", e.getMessage());
    }

    @Test
    void recordWithAMissingLibraryIsRefused() {
        Path missing = tmp.resolve("libpython" + minor() + ".so.1.0");
        CPythonInstallation bogus = new CPythonInstallation(running().home(), missing, running().version(),
                List.of(), "test: a missing libpython");
        var e = refused(() -> RunningInterpreter.start(Live.PY, bogus));
        assertEquals("libpython " + missing + " does not exist", e.getMessage());
        assertNotEquals(missing, running().library());
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private interface Call {
        void run() throws Exception;
    }

    /** Runs {@code call} with the embedded-interpreter cache in {@code tmp/cache}. */
    private void withCache(Call call) throws Throwable {
        String before = System.getProperty(EmbeddedCPython.CACHE_PROPERTY);
        System.setProperty(EmbeddedCPython.CACHE_PROPERTY, tmp.resolve("cache").toString());
        try {
            call.run();
        } finally {
            if (before == null) System.clearProperty(EmbeddedCPython.CACHE_PROPERTY);
            else System.setProperty(EmbeddedCPython.CACHE_PROPERTY, before);
        }
    }

    /** A refused jar leaves no temporary unpack directory and no partial tree in the cache. */
    private void assertNoUnpackLeftovers() throws IOException {
        Path cache = tmp.resolve("cache");
        if (!Files.exists(cache)) return;
        try (Stream<Path> left = Files.list(cache)) {
            assertEquals(List.of(), left.toList(), "left in the cache after a refused jar");
        }
    }
}
