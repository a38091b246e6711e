package dev.serpentine.distribution;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import org.osgi.service.component.annotations.Component;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Driver side only (bnd and javac are not in the framework): a README example (or a test's own source) built into
 * a bundle as a user's build would — compiled with javac against the bridge's API and the DS annotations, then
 * wrapped by bnd, which writes the manifest and generates the DS descriptor from the annotations.
 */
final class ReadmeBundle {

    private ReadmeBundle() {
    }

    /** The ```java block right after {@code <!-- example: name ... -->} in the README at the reactor root. */
    static String example(String name) throws Exception {
        Path readme = Path.of(PlatformOptions.required(PlatformOptions.REACTOR_ROOT), "README.md").normalize();
        String text = Files.readString(readme);
        Matcher marker = Pattern.compile("<!-- example: " + Pattern.quote(name) + "( [^\\n]*)?-->\\n").matcher(text);
        if (!marker.find()) throw new AssertionError(readme + " has no marker <!-- example: " + name + " … -->");
        Matcher block = Pattern.compile("```java\\n(.*?)^```$", Pattern.DOTALL | Pattern.MULTILINE).matcher(text);
        if (!block.region(marker.end(), text.length()).lookingAt()) {
            throw new AssertionError("the marker of example " + name + " in " + readme + " is not followed by a ```java block");
        }
        return block.group(1);
    }

    /** Builds the bundle {@code bsn} from the public class {@code className} of example {@code name} into {@code target}. */
    static Path build(String name, String className, String bsn, Path target) throws Exception {
        return build(example(name), className, bsn, target, Map.of());
    }

    /**
     * Builds the bundle {@code bsn} from {@code source}, the public class {@code className}, into {@code target}, with
     * extra bnd instructions (e.g. an {@code Import-Package} that asks for the platform-only packages).
     */
    static Path build(String source, String className, String bsn, Path target, Map<String, String> instructions)
            throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(target.getParent()), bsn); // fresh: no stale classes
        Path file = Files.createDirectories(work.resolve("src")).resolve(className + ".java"); // javac -d places it by its package
        Path classes = Files.createDirectories(work.resolve("classes"));
        Files.writeString(file, source);

        Path bridge = PlatformOptions.reactorJar("python-bridge", "python-bridge");
        Path api = PlatformOptions.reactorJar("ffi-core/api", "ffi-api");
        String classPath = String.join(File.pathSeparator, bridge.toString(), api.toString(),
                Path.of(Component.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new AssertionError("no system Java compiler: the tests need a JDK");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        if (javac.run(null, null, errors, "--release", "17", "-classpath", classPath, "-d", classes.toString(),
                file.toString()) != 0) {
            throw new AssertionError(className + " does not compile:\n" + errors);
        }

        try (Builder bnd = new Builder()) {
            bnd.setJar(new Jar(bsn, classes.toFile()));
            bnd.addClasspath(bridge.toFile()); // imports with the bridge's package version range
            bnd.addClasspath(api.toFile());
            bnd.setProperty("Bundle-SymbolicName", bsn);
            bnd.setProperty("Bundle-Version", "1.0.0");
            instructions.forEach(bnd::setProperty);
            Jar bundle = bnd.build();
            if (!bnd.isOk()) throw new AssertionError("bnd failed on " + bsn + ": " + bnd.getErrors());
            bundle.write(target.toFile());
        }
        return target;
    }
}
