package dev.serpentine.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds, at test time, a newer release of an ABI bundle from the built one: the same classes, DS descriptor and
 * layout, with {@code Bundle-Version} and the {@code bundle.version} line of its {@code layout.properties} raised —
 * what a patched ABI bundle shipped later would be.
 */
final class AbiBundles {

    private static final Pattern BUNDLE_VERSION_LINE = Pattern.compile("(?m)^bundle\\.version\\s*=\\s*(\\S+)\\s*$");

    private AbiBundles() {
    }

    /**
     * Copies {@code source} to {@code target} with the new version.
     *
     * @param layoutResource the layout inside the jar, e.g. {@code dev/serpentine/abi/cp313/layout.properties}
     * @param expectedOld    the version the built bundle must carry in that layout (checked: the copy must really
     *                       change it)
     */
    static Path withVersion(Path source, Path target, String layoutResource, String expectedOld, String version)
            throws IOException {
        Files.createDirectories(target.getParent());
        boolean layoutSeen = false;
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
                        if (name.equals(layoutResource)) {
                            out.write(raise(new String(data.readAllBytes(), StandardCharsets.ISO_8859_1), expectedOld, version)
                                    .getBytes(StandardCharsets.ISO_8859_1));
                            layoutSeen = true;
                        } else {
                            data.transferTo(out);
                        }
                    }
                    out.closeEntry();
                }
            }
        }
        if (!layoutSeen) throw new IllegalStateException(source + " has no " + layoutResource);
        return target;
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
