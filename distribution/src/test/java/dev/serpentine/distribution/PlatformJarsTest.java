package dev.serpentine.distribution;

import org.junit.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

/**
 * Every jar the platform ships is both a JPMS module and an OSGi bundle: a {@code module-info.class} whose name is the
 * {@code Bundle-SymbolicName}, and raw-memory packages exported only to the platform (qualified JPMS exports; a
 * mandatory {@code serpentine=platform} attribute in OSGi).
 */
public class PlatformJarsTest {

    private static final Set<String> RAW_PACKAGES = Set.of("dev.serpentine.ffi.binding", "dev.serpentine.ffi.view",
            "dev.serpentine.ffi.abi", "dev.serpentine.ffi.buffer", "dev.serpentine.bridge.spi",
            "dev.serpentine.bridge.platform");

    @Test
    public void everyJarIsAModuleAndABundleOfTheSameName() throws IOException {
        for (Path path : PlatformOptions.reactorJars()) {
            try (JarFile jar = new JarFile(path.toFile())) {
                ZipEntry info = jar.getEntry("module-info.class");
                assertNotNull(path + " has no module-info.class", info);
                ModuleDescriptor module;
                try (InputStream in = jar.getInputStream(info)) {
                    module = ModuleDescriptor.read(in);
                }
                Attributes manifest = jar.getManifest().getMainAttributes();
                String bsn = manifest.getValue("Bundle-SymbolicName");
                assertNotNull(path + " has no Bundle-SymbolicName", bsn);
                assertEquals(path + ": module name and bundle symbolic name", module.name(), bsn.split(";")[0].trim());
                assertNotNull(path + " has no Bundle-Version", manifest.getValue("Bundle-Version"));
                for (ModuleDescriptor.Exports e : module.exports()) {
                    if (RAW_PACKAGES.contains(e.source())) {
                        assertTrue(path + ": " + e.source() + " must be exported only to the platform", e.isQualified());
                        assertTrue(path + ": " + e.source() + " exported to a module outside the platform: " + e.targets(),
                                e.targets().stream().allMatch(t -> t.startsWith("dev.serpentine.")));
                    }
                }
                String exports = manifest.getValue("Export-Package");
                if (exports != null) {
                    for (String raw : RAW_PACKAGES) {
                        int at = exports.indexOf(raw + ";");
                        if (at < 0) continue;
                        int end = exports.indexOf(",dev.", at + 1);
                        String clause = exports.substring(at, end < 0 ? exports.length() : end);
                        assertTrue(path + ": OSGi export of " + raw + " must be mandatory: " + clause,
                                clause.contains("mandatory:=\"serpentine\"") || clause.contains("mandatory:=serpentine"));
                    }
                }
            }
        }
        assertEquals("reactor jars (the FFM backend only on Java 22+)", Runtime.version().feature() >= 22 ? 13 : 12,
                PlatformOptions.reactorJars().size());
    }
}
