package dev.serpentine.distribution;

import org.ops4j.pax.exam.Constants;
import org.ops4j.pax.exam.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.streamBundle;

/**
 * What the integration tests run in Felix: SCR and its API bundles, ConfigAdmin with the runtime's configuration,
 * JNA, and the platform's bundles from the reactor (ffi-core api, ffm, jna, the six ABI bundles, python-bridge, allocator, serializer, deserializer).
 *
 * <p>Third-party bundles come from the local Maven repository (versions in {@code versions.properties}, filtered from
 * the pom, where each one is a test dependency); Pax Exam's own bundles are added by Pax Exam. The reactor's bundles
 * are read from {@code <module>/target/*.jar} under {@value #REACTOR_ROOT}, never from {@code ~/.m2}.
 *
 * <p>Start levels make the configuration deterministic: {@link ConfigurationSeeder} (level 1) writes the runtime's
 * configuration as soon as ConfigAdmin (level 2) registers, so it is there before SCR and the bridge (level 3) start
 * and the runtime component activates with it — never without it first.
 */
public final class PlatformOptions {

    /** System property: the reactor root (set by Surefire). */
    public static final String REACTOR_ROOT = "serpentine.reactor.root";
    /** System property: the project version, i.e. the version in the reactor's jar names. */
    public static final String VERSION = "serpentine.version";
    /** System property: a scratch directory of this module (bundles built at test time go there). */
    public static final String WORK_DIR = "serpentine.it.dir";

    /** The runtime component's configuration PID (python-bridge PythonRuntimeComponent). */
    public static final String RUNTIME_PID = "dev.serpentine.runtime";

    /** The reactor's bundles, in start order: folder and artifactId. */
    private static final String[][] REACTOR_BUNDLES = {
            {"ffi-core/api", "ffi-api"},
            {"ffi-core/ffm", "ffi-ffm"},
            {"ffi-core/jna", "ffi-jna"},
            {"ffi-core/abi-cp39", "abi-cp39"},
            {"ffi-core/abi-cp310", "abi-cp310"},
            {"ffi-core/abi-cp311", "abi-cp311"},
            {"ffi-core/abi-cp312", "abi-cp312"},
            {"ffi-core/abi-cp313", "abi-cp313"},
            {"ffi-core/abi-cp314", "abi-cp314"},
            {"python-bridge", "python-bridge"},
            {"allocator", "allocator"},
            {"serializer", "serializer"},
            {"deserializer", "deserializer"},
    };

    private PlatformOptions() {
    }

    /**
     * The whole platform, with the runtime configured to bind the backend {@code backend} ({@code ffm} or
     * {@code jna}) through {@code binding.target}. The interpreter is left to {@code -Dserpentine.python}.
     */
    public static Option platform(String backend) {
        Properties v = versions();
        return composite(
                // Felix's URL handlers use Unsafe (JDK 25): off (toolchain.md Q3).
                frameworkProperty("felix.service.urlhandlers").value("false"),
                // JUnit 4 and Pax Exam's JUnit invoker inside the framework.
                junitBundles(),
                // Logging of the in-framework Pax Exam bundles (pax.exam.logging=none: no pax-logging).
                mavenBundle("org.slf4j", "slf4j-api", v.getProperty("slf4j")).startLevel(Constants.START_LEVEL_SYSTEM_BUNDLES),
                mavenBundle("org.slf4j", "slf4j-simple", v.getProperty("slf4j")).startLevel(Constants.START_LEVEL_SYSTEM_BUNDLES),
                // ConfigAdmin before SCR, and the runtime's configuration created as soon as it registers.
                mavenBundle("org.apache.felix", "org.apache.felix.configadmin", v.getProperty("configadmin"))
                        .startLevel(Constants.START_LEVEL_SYSTEM_BUNDLES),
                streamBundle(ConfigurationSeeder.bundle(RUNTIME_PID, Map.of("binding.target", "(backend=" + backend + ")")))
                        .startLevel(1),
                // SCR 2.2.18 needs the DS 1.5 API, promise and function bundles (toolchain.md Q3).
                mavenBundle("org.osgi", "org.osgi.util.function", v.getProperty("osgi.function")),
                mavenBundle("org.osgi", "org.osgi.util.promise", v.getProperty("osgi.promise")),
                mavenBundle("org.osgi", "org.osgi.service.component", v.getProperty("osgi.component")),
                mavenBundle("org.apache.felix", "org.apache.felix.scr", v.getProperty("scr")),
                mavenBundle("net.java.dev.jna", "jna", v.getProperty("jna")),
                reactorBundles());
    }

    /**
     * Apache Felix FileInstall watching {@code dir} (polled every 100 ms): a bundle dropped there is installed and
     * started, one deleted is uninstalled.
     */
    public static Option hotDeploy(Path dir) {
        return composite(
                frameworkProperty("felix.fileinstall.dir").value(dir.toAbsolutePath().toString()),
                frameworkProperty("felix.fileinstall.poll").value("100"),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                frameworkProperty("felix.fileinstall.filter").value(".*\\.jar"),
                frameworkProperty("felix.fileinstall.log.level").value("2"), // warnings: a refused bundle says why
                mavenBundle("org.apache.felix", "org.apache.felix.fileinstall", versions().getProperty("fileinstall")));
    }

    private static Option reactorBundles() {
        return composite(reactorJars().stream().map(jar -> bundle(jar.toUri().toString())).toArray(Option[]::new));
    }

    /**
     * Every jar the reactor builds that this JVM can run, in start order: the FFM backend (osgi.ee JavaSE 22) is left
     * out on an older JDK, as a JDK 17 deployment would leave it out.
     */
    public static java.util.List<Path> reactorJars() {
        java.util.List<Path> jars = new java.util.ArrayList<>();
        for (String[] b : REACTOR_BUNDLES) {
            if (b[1].equals("ffi-ffm") && Runtime.version().feature() < 22) continue;
            jars.add(reactorJar(b[0], b[1]));
        }
        return jars;
    }

    /** A bundle of the reactor as built: {@code <root>/<folder>/target/<artifactId>-<version>.jar}. */
    public static Path reactorJar(String folder, String artifactId) {
        Path jar = Path.of(required(REACTOR_ROOT)).resolve(folder).resolve("target")
                .resolve(artifactId + "-" + required(VERSION) + ".jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the reactor first (mvn -o verify from the root,"
                    + " or mvn -o install -DskipTests before running this module alone)");
        }
        return jar;
    }

    /** A system property Surefire sets; fails clearly when the test runs without it. */
    public static String required(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set (run through Maven: mvn -o verify)");
        }
        return value;
    }

    private static Properties versions() {
        Properties p = new Properties();
        try (InputStream in = PlatformOptions.class.getResourceAsStream("versions.properties")) {
            if (in == null) throw new IllegalStateException("versions.properties is missing from the test classes");
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
