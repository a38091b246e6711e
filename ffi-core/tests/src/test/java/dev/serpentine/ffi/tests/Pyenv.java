package dev.serpentine.ffi.tests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The pythons of a pyenv on this machine ({@code $PYENV_ROOT/versions/*}, else {@code ~/.pyenv/versions/*}), each
 * described by the interpreter itself — not by the directory name, so that a virtualenv or a renamed version is
 * reported for what it is.
 */
final class Pyenv {

    /**
     * One pyenv python as it reports itself.
     *
     * @param executable {@code versions/<name>/bin/python}
     * @param version    "3.11.7"
     * @param shared     {@code sysconfig.get_config_var('Py_ENABLE_SHARED')}
     * @param abiflags   {@code sys.abiflags} ({@code t} for free-threaded builds)
     * @param prefix     {@code sys.prefix}
     */
    record Python(Path executable, int major, int minor, String version, boolean shared, String abiflags, String prefix) {

        String minorVersion() {
            return major + "." + minor;
        }

        @Override
        public String toString() {
            return "pyenv " + version + (abiflags.isEmpty() ? "" : abiflags);
        }
    }

    /** Runs under Python 2 and 3: version, Py_ENABLE_SHARED, abiflags, prefix. */
    private static final String PROBE = "import sys, sysconfig\n"
            + "print('%d.%d.%d' % tuple(sys.version_info[:3]))\n"
            + "print(sysconfig.get_config_var('Py_ENABLE_SHARED') or 0)\n"
            + "print(getattr(sys, 'abiflags', ''))\n"
            + "print(sys.prefix)\n";

    private Pyenv() {
    }

    static Path versionsDir() {
        String root = System.getenv("PYENV_ROOT");
        Path base = root != null && !root.isBlank() ? Path.of(root) : Path.of(System.getProperty("user.home"), ".pyenv");
        return base.resolve("versions");
    }

    /** The {@code bin/python} of every version directory, by directory name; empty when there is no pyenv. */
    static List<Path> executables() {
        Path versions = versionsDir();
        if (!Files.isDirectory(versions)) return List.of();
        try (Stream<Path> dirs = Files.list(versions)) {
            return dirs.sorted().map(d -> d.resolve("bin").resolve("python")).filter(Files::isExecutable).toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + versions, e);
        }
    }

    /** Every python under the versions directory, oldest first; empty when there is no pyenv. */
    static List<Python> pythons() {
        List<Python> found = new ArrayList<>();
        for (Path python : executables()) found.add(describe(python));
        found.sort(Comparator.comparingInt(Python::major).thenComparingInt(Python::minor)
                .thenComparing(Python::version));
        return found;
    }

    static Python describe(Path python) {
        List<String> lines = run(python, PROBE);
        if (lines.size() < 4) throw new IllegalStateException(python + " did not describe itself: " + lines);
        String version = lines.get(0).trim();
        String[] parts = version.split("\\.");
        return new Python(python, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), version,
                "1".equals(lines.get(1).trim()), lines.get(2).trim(), lines.get(3).trim());
    }

    /** Runs {@code script} with {@code python -E -s -c}, without the caller's PYTHON* variables. */
    static List<String> run(Path python, String script) {
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "-E", "-s", "-c", script).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PYTHON"));
        try {
            Process p = pb.start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(python + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + python, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
