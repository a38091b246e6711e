package dev.serpentine.ffi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.EnumSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The embedded default interpreter: a CPython build from Maven Central ({@code org.bytedeco:cpython}, classifier
 * {@code linux-x86_64}), unpacked once into a per-user cache and used from there.
 *
 * <p>The cache is {@code $XDG_CACHE_HOME/serpentine} (or {@code ~/.cache/serpentine}), overridden by the system
 * property {@value #CACHE_PROPERTY}. It must not be on a {@code noexec} mount: libpython and its extension modules
 * are mapped executable from there. Unpacking is atomic (a private temporary directory moved into place), so
 * concurrent JVMs never see half a tree.
 */
public final class EmbeddedCPython {

    /** System property naming the cache directory. */
    public static final String CACHE_PROPERTY = "serpentine.cache.dir";

    static final String PREFIX = "org/bytedeco/cpython/linux-x86_64/";
    private static final String COMPLETE = ".complete";

    /** Parts of the tree an embedded interpreter never uses: headers, docs, the test suite, GUI and installers. */
    private static final Pattern SKIPPED = Pattern.compile(
            "(include|share)/.*|lib/pkgconfig/.*|lib/python3\\.\\d+/(test|idlelib|tkinter|turtledemo|ensurepip|lib2to3"
                    + "|config-3\\.\\d+[^/]*)/.*");

    private EmbeddedCPython() {
    }

    /** The cache directory that holds unpacked interpreters. */
    public static Path cacheRoot() {
        String configured = System.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("serpentine");
    }

    /**
     * The {@code org.bytedeco:cpython} jar visible to this class loader (class path or module path), unpacked.
     *
     * @throws InterpreterUnavailableException when no such jar is visible
     */
    public static CPythonInstallation fromClasspath(ClassLoader loader) {
        URL url = loader.getResource(PREFIX);
        if (url == null) {
            throw new InterpreterUnavailableException("no embedded CPython: org.bytedeco:cpython (classifier linux-x86_64)"
                    + " is not on the class path; add it, or configure an interpreter (home, libpython or executable)");
        }
        try {
            if (!"jar".equals(url.getProtocol())) {
                throw new InterpreterUnavailableException("the embedded CPython at " + url + " is not inside a jar");
            }
            URL jar = ((JarURLConnection) url.openConnection()).getJarFileURL();
            return fromJar(Path.of(jar.toURI()));
        } catch (IOException | URISyntaxException e) {
            throw new InterpreterUnavailableException("cannot open the embedded CPython at " + url + ": " + e.getMessage(), e);
        }
    }

    /** An {@code org.bytedeco:cpython} jar on disk, unpacked into the cache unless it already is. */
    public static CPythonInstallation fromJar(Path jar) {
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        Path target = cacheRoot().resolve(name);
        try {
            if (!Files.isRegularFile(target.resolve(COMPLETE))) {
                unpack(jar, target);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new InterpreterUnavailableException("cannot unpack " + jar + " into " + target + ": " + e.getMessage()
                    + (e instanceof AccessDeniedException ? " (set -D" + CACHE_PROPERTY + " to a writable directory)" : ""), e);
        }
        CPythonInstallation home = CPythonInstallation.fromHome(target);
        return new CPythonInstallation(home.home(), home.library(), home.version(), home.preload(), "embedded " + jar);
    }

    private static void unpack(Path jar, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        deleteTree(target); // an incomplete tree left by a process that died while unpacking
        Path tmp = Files.createTempDirectory(target.getParent(), ".unpack-" + target.getFileName() + "-");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            int files = 0;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                if (e.isDirectory() || !e.getName().startsWith(PREFIX)) continue;
                String rel = e.getName().substring(PREFIX.length());
                if (rel.isEmpty() || SKIPPED.matcher(rel).matches()) continue;
                Path out = tmp.resolve(rel).normalize();
                if (!out.startsWith(tmp)) throw new IOException("entry escapes the target: " + e.getName());
                Files.createDirectories(out.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, out);
                }
                // The jar carries no Unix modes; only the executables need one (sys.executable, subprocess).
                if (rel.startsWith("bin/")) {
                    Files.setPosixFilePermissions(out, EnumSet.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
                            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
                            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
                }
                files++;
            }
            if (files == 0) throw new IOException(jar + " holds no " + PREFIX + " tree: not an org.bytedeco:cpython jar");
            Files.createFile(tmp.resolve(COMPLETE));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException raced) {
                if (!Files.isRegularFile(target.resolve(COMPLETE))) throw raced; // a broken leftover: let the user see it
            }
        } finally {
            deleteTree(tmp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

}
