package dev.serpentine.ffi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A CPython on disk that can be embedded: its home (the prefix holding {@code lib/python3.X}), its shared libpython,
 * the version its files declare, and libraries to load before it (libffi for the Maven Central builds, whose
 * {@code _ctypes} does not find it on its own).
 *
 * <p>Every factory checks the files before anything is loaded: a home without a standard library is refused here,
 * with an {@link InterpreterUnavailableException}, because CPython would otherwise fail half-way through its
 * initialization, which leaves the process unable to start any CPython.
 *
 * @param home     the Python home ({@code sys.base_prefix})
 * @param library  the shared libpython
 * @param version  the minor version of the files (micro is -1: the running interpreter reports the rest)
 * @param preload  libraries to load with RTLD_GLOBAL before libpython
 * @param origin   where this installation came from, for messages
 */
public record CPythonInstallation(Path home, Path library, PythonVersion version, List<Path> preload, String origin) {

    /** System property: seconds to wait for a python executable to report its installation (default 30). */
    public static final String PROBE_TIMEOUT_PROPERTY = "serpentine.probe.timeout";

    private static final Pattern LIBPYTHON = Pattern.compile("libpython(\\d+)\\.(\\d+)([a-z]*)\\.so(\\.[0-9.]+)?");

    public CPythonInstallation {
        preload = List.copyOf(preload);
    }

    /**
     * The interpreter named by a user's setting: a {@code .jar} of {@code org.bytedeco:cpython} (unpacked into the
     * per-user cache), a Python home directory, a libpython file, or a python executable.
     */
    public static CPythonInstallation locate(String spec) {
        Path path = Path.of(spec.trim()).toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new InterpreterUnavailableException("no such interpreter: " + path);
        }
        String name = path.getFileName().toString();
        if (Files.isDirectory(path)) return fromHome(path);
        if (name.endsWith(".jar")) return EmbeddedCPython.fromJar(path);
        if (LIBPYTHON.matcher(name).matches()) return fromLibrary(path);
        return fromExecutable(path);
    }

    /** A home directory: libpython is looked for in the home itself (Maven Central builds) and in {@code lib/}. */
    public static CPythonInstallation fromHome(Path home) {
        Path dir = home.toAbsolutePath().normalize();
        for (Path candidateDir : List.of(dir, dir.resolve("lib"))) {
            Path lib = findLibpython(candidateDir);
            if (lib != null) {
                return fromLibrary(lib, dir, "home " + dir);
            }
        }
        throw new InterpreterUnavailableException("no shared libpython3.X.so in " + dir + " or " + dir.resolve("lib")
                + " (CPython must be built with --enable-shared to be embedded)");
    }

    /**
     * A shared libpython: its home is the nearest enclosing directory that holds {@code lib/python3.X}, below the
     * filesystem root. The root is never a home: on merged-/usr systems {@code /lib} is {@code /usr/lib}, so
     * {@code /lib/python3.X} is the distribution's own standard library, and a libpython outside any Python tree
     * would silently be paired with another build's stdlib.
     */
    public static CPythonInstallation fromLibrary(Path library) {
        Path lib = library.toAbsolutePath().normalize();
        PythonVersion v = versionOfLibrary(lib);
        for (Path dir = lib.getParent(); dir != null && dir.getParent() != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("lib").resolve("python" + v.minorVersion()))) {
                return fromLibrary(lib, dir, "library " + lib);
            }
        }
        throw new InterpreterUnavailableException("no standard library lib/python" + v.minorVersion()
                + " in any directory above " + lib);
    }

    /**
     * A python executable: asked for its prefix and shared library. The process runs with a clean environment
     * for Python (no PYTHONHOME/PYTHONPATH) so that it reports its own installation.
     */
    public static CPythonInstallation fromExecutable(Path python) {
        String script = "import sys, sysconfig, os\n"
                + "print(sys.base_prefix)\n"
                + "print(os.path.join(sysconfig.get_config_var('LIBDIR') or '', sysconfig.get_config_var('LDLIBRARY') or ''))\n"
                + "print(sysconfig.get_config_var('Py_ENABLE_SHARED') or 0)\n";
        List<String> lines = run(python, script);
        if (lines.size() < 3) {
            throw new InterpreterUnavailableException(python + " did not report its installation: " + lines);
        }
        if (!"1".equals(lines.get(2).trim())) {
            throw new InterpreterUnavailableException(python + " has no shared libpython (built without --enable-shared)"
                    + "; only CPython with a shared library can be embedded");
        }
        Path lib = Path.of(lines.get(1).trim());
        if (!Files.isRegularFile(lib)) {
            throw new InterpreterUnavailableException(python + " reports libpython at " + lib + ", which does not exist");
        }
        return fromLibrary(lib, Path.of(lines.get(0).trim()), "executable " + python);
    }

    /** The standard library directory, {@code <home>/lib/python3.X}. */
    public Path standardLibrary() {
        return home.resolve("lib").resolve("python" + version.minorVersion());
    }

    /**
     * Checks what CPython's initialization needs to succeed (the {@code encodings} package of the standard library),
     * so that a broken home is refused before CPython is touched.
     */
    public void checkStandardLibrary() {
        Path encodings = standardLibrary().resolve("encodings").resolve("__init__.py");
        if (!Files.isRegularFile(encodings) && !Files.isRegularFile(standardLibrary().resolveSibling(
                "python" + version.major() + version.minor() + ".zip"))) {
            throw new InterpreterUnavailableException("the Python home " + home + " has no standard library ("
                    + encodings + " is missing); CPython " + version.minorVersion() + " cannot start without it");
        }
        if (!Files.isRegularFile(library)) {
            throw new InterpreterUnavailableException("libpython " + library + " does not exist");
        }
    }

    /**
     * Checks that libpython and the preload libraries are whole ELF files: {@code dlopen} of a truncated one dies of
     * SIGBUS inside ld.so instead of failing.
     */
    public void checkLibraries() {
        for (Path p : preload) SharedLibraryFile.requireComplete(p);
        SharedLibraryFile.requireComplete(library);
    }

    private static CPythonInstallation fromLibrary(Path lib, Path home, String origin) {
        PythonVersion version = versionOfLibrary(lib);
        List<Path> preload = new ArrayList<>();
        try (Stream<Path> siblings = Files.list(lib.getParent())) {
            siblings.filter(p -> p.getFileName().toString().startsWith("libffi.so"))
                    .sorted().findFirst().ifPresent(preload::add);
        } catch (IOException e) {
            throw new InterpreterUnavailableException("cannot list " + lib.getParent() + ": " + e.getMessage(), e);
        }
        CPythonInstallation inst = new CPythonInstallation(home.toAbsolutePath().normalize(), lib, version, preload, origin);
        inst.checkStandardLibrary();
        return inst;
    }

    static PythonVersion versionOfLibrary(Path lib) {
        Matcher m = LIBPYTHON.matcher(lib.getFileName().toString());
        if (!m.matches()) {
            throw new InterpreterUnavailableException(lib + " is not a shared libpython (libpython3.X.so)");
        }
        return new PythonVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), -1,
                m.group(1) + "." + m.group(2));
    }

    private static Path findLibpython(Path dir) {
        if (!Files.isDirectory(dir)) return null;
        try (Stream<Path> files = Files.list(dir)) {
            // Prefer the versioned file over the development symlink; never the stable-ABI libpython3.so.
            return files.filter(p -> LIBPYTHON.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> Integer.compare(b.getFileName().toString().length(), a.getFileName().toString().length()))
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> run(Path python, String script) {
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "-I", "-c", script).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PYTHON"));
        long timeout = Long.getLong(PROBE_TIMEOUT_PROPERTY, 30);
        Path output = null;
        Process p = null;
        try {
            // The output goes to a file, not a pipe: reading a pipe to its end would wait for a process that never
            // ends (or for a grandchild holding the pipe open) past any timeout.
            output = Files.createTempFile("serpentine-probe-", ".txt");
            p = pb.redirectOutput(output.toFile()).start();
            boolean ended = p.waitFor(timeout, TimeUnit.SECONDS);
            String out = Files.readString(output, StandardCharsets.UTF_8);
            if (!ended) {
                throw new InterpreterUnavailableException(python + " did not report its installation within " + timeout
                        + " s (-D" + PROBE_TIMEOUT_PROPERTY + "); killed it. Output: " + out);
            }
            if (p.exitValue() != 0) throw new InterpreterUnavailableException(python + " failed: " + out);
            return out.lines().toList();
        } catch (IOException e) {
            throw new InterpreterUnavailableException("cannot run " + python + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterpreterUnavailableException("interrupted while asking " + python + " for its installation", e);
        } finally {
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file: nothing depends on it
                }
            }
        }
    }
}
