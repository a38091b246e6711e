package dev.serpentine.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds, at test time, another release of a bundle from the built jar: the same classes and DS descriptors with a
 * new {@code Bundle-Version} and, where asked, text entries changed — what a release shipped later would be (or a
 * broken one). Nothing built here is shipped.
 */
final class BundleReleases {

    private static final Pattern BUNDLE_VERSION_LINE = Pattern.compile("(?m)^bundle\\.version\\s*=\\s*(\\S+)\\s*$");

    private BundleReleases() {
    }

    /**
     * A newer release of an ABI bundle: {@code Bundle-Version} and the {@code bundle.version} line of its layout
     * raised.
     *
     * @param layoutResource the layout inside the jar, e.g. {@code dev/serpentine/abi/cp313/layout.properties}
     * @param expectedOld    the version the built bundle must carry in that layout (checked: the copy must really
     *                       change it)
     */
    static Path withVersion(Path source, Path target, String layoutResource, String expectedOld, String version)
            throws IOException {
        return withVersion(source, target, version, Map.of(layoutResource, layout -> raise(layout, expectedOld, version)));
    }

    /**
     * Copies {@code source} to {@code target} with {@code Bundle-Version: version}, each entry named in
     * {@code textChanges} (UTF-8 text; it must exist) replaced by what its function makes of it.
     */
    static Path withVersion(Path source, Path target, String version, Map<String, UnaryOperator<String>> textChanges)
            throws IOException {
        Files.createDirectories(target.getParent());
        Set<String> changed = new HashSet<>();
        try (JarFile in = new JarFile(source.toFile())) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            if (main.getValue("Bundle-SymbolicName") == null) throw new IllegalStateException(source + " is not a bundle");
            main.putValue("Bundle-Version", version);
            try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    String name = entry.getName();
                    if (name.equals(JarFile.MANIFEST_NAME) || name.equals("META-INF/")) continue;
                    out.putNextEntry(new JarEntry(name));
                    try (InputStream data = in.getInputStream(entry)) {
                        UnaryOperator<String> change = textChanges.get(name);
                        if (change != null) {
                            out.write(change.apply(new String(data.readAllBytes(), StandardCharsets.UTF_8))
                                    .getBytes(StandardCharsets.UTF_8));
                            changed.add(name);
                        } else {
                            data.transferTo(out);
                        }
                    }
                    out.closeEntry();
                }
            }
        }
        if (!changed.equals(textChanges.keySet())) {
            throw new IllegalStateException(source + " lacks some of " + textChanges.keySet() + " (found " + changed + ")");
        }
        return target;
    }

    /** {@code text} with {@code from} replaced once by {@code to}; fails when {@code from} is not there. */
    static String replace(String text, String from, String to) {
        int at = text.indexOf(from);
        if (at < 0) throw new IllegalStateException("'" + from + "' not found");
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    private static String raise(String layout, String expectedOld, String version) {
        Matcher m = BUNDLE_VERSION_LINE.matcher(layout);
        if (!m.find()) throw new IllegalStateException("the layout has no bundle.version line");
        if (!m.group(1).equals(expectedOld)) {
            throw new IllegalStateException("the built layout says bundle.version = " + m.group(1) + ", not " + expectedOld);
        }
        return m.replaceFirst(Matcher.quoteReplacement("bundle.version = " + version));
    }
}
