package dev.serpentine.bridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's Java examples, compiled and run as written: {@code plain-java} in a JVM of its own on the embedded
 * default CPython, {@code buffer} in this JVM's runtime. (The {@code osgi} example runs in distribution's
 * ReadmeExamplesTest.) The README is read from {@code -Dserpentine.root}, the reactor root.
 */
class ReadmeExamplesTest {

    /** The test class path (Surefire puts only its booter jar on {@code java.class.path}). */
    static final String CLASS_PATH = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    /**
     * In the module-path executions: Serpentine's modules, which the example reads from its unnamed module; the class
     * path then holds the rest (the CPython jar among it), as an application on the module path has it.
     */
    static final String MODULE_PATH = System.getProperty("jdk.module.path");

    /** The ```java block right after {@code <!-- example: name ... -->} in the README. */
    static String example(String name) throws IOException {
        Path readme = Path.of(System.getProperty("serpentine.root", "..")).resolve("README.md").normalize();
        String text = Files.readString(readme);
        Matcher marker = Pattern.compile("<!-- example: " + Pattern.quote(name) + "( [^\\n]*)?-->\\n").matcher(text);
        assertTrue(marker.find(), () -> readme + " has no marker <!-- example: " + name + " … -->");
        Matcher block = Pattern.compile("```java\\n(.*?)^```$", Pattern.DOTALL | Pattern.MULTILINE).matcher(text);
        assertTrue(block.region(marker.end(), text.length()).lookingAt(),
                () -> "the marker of example " + name + " in " + readme + " is not followed by a ```java block");
        return block.group(1);
    }

    /** Compiles {@code source} (a public class {@code className}) against the test class path into {@code out}. */
    static void compile(String className, String source, Path out) throws IOException {
        Path file = out.resolve("src").resolve(className + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        // javac through java.base's ToolProvider: javax.tools is in java.compiler, which this patched module does not read.
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac: the tests need a JDK"));
        StringWriter errors = new StringWriter();
        PrintWriter print = new PrintWriter(errors, true);
        int rc = MODULE_PATH == null
                ? javac.run(print, print, "-classpath", CLASS_PATH, "-d", out.toString(), file.toString())
                : javac.run(print, print, "--module-path", MODULE_PATH, "--add-modules", "ALL-MODULE-PATH",
                        "-classpath", System.getProperty("java.class.path"), "-d", out.toString(), file.toString());
        assertEquals(0, rc, () -> "the README's " + className + " does not compile:\n" + errors + "\n" + source);
    }

    /** The backend a JVM picks when none is configured: FFM from Java 22, else JNA. */
    static String defaultBackend() {
        return Runtime.version().feature() >= 22 ? "ffm" : "jna";
    }

    @Test
    void plainJavaExampleRunsInItsOwnJvmOnTheEmbeddedDefaultCPython(@TempDir Path dir) throws Exception {
        // The example ignores this execution's interpreter and backend: run it once per JDK and path, in the
        // executions whose backend is the default one and whose interpreter is the embedded default (or JDK 17's).
        String embedded = System.getProperty("serpentine.embedded.python", "cpython-3.14");
        assumeTrue(defaultBackend().equals(System.getProperty("serpentine.backend", defaultBackend()))
                        && (System.getProperty("serpentine.test.python", "").endsWith(embedded)
                            || "17".equals(System.getProperty("serpentine.test.jdk")) || MODULE_PATH != null),
                "runs in the cp314 execution of the default backend, in the JDK 17 run and on the module path");

        compile("EmbedExample", example("plain-java"), dir);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("output.txt");
        List<String> command = MODULE_PATH == null
                ? List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                        "-cp", CLASS_PATH + File.pathSeparator + dir, "EmbedExample")
                : List.of(java.toString(), "--enable-native-access=com.sun.jna,"
                                + (Runtime.version().feature() >= 22 ? "dev.serpentine.ffi.ffm," : "") + "ALL-UNNAMED",
                        "--module-path", MODULE_PATH, "--add-modules", "ALL-MODULE-PATH",
                        "-cp", System.getProperty("java.class.path") + File.pathSeparator + dir, "EmbedExample");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("EmbedExample did not exit within 120 s:\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), () -> "EmbedExample failed:\n" + output);
        assertEquals(List.of("{\"answer\": 42, \"pi\": 3.14} from CPython 3.14.3 via " + defaultBackend()),
                output.lines().toList(), "EmbedExample's output");
    }

    @Test
    void bufferExampleReadsAStridedMemoryview(@TempDir Path dir) throws Exception {
        // The buffer API is platform-only: on the module path it is exported to Serpentine's modules, not to an
        // application's unnamed module (this test's own loader).
        assumeTrue(MODULE_PATH == null, "the platform-only buffer API is not exported to an application on the module path");
        compile("BufferExample", String.join("\n",
                "import dev.serpentine.ffi.buffer.*;",
                "import dev.serpentine.bridge.platform.RuntimeInterpreter;",
                "import dev.serpentine.bridge.*;",
                "public class BufferExample {",
                "    public static byte[] run(PythonRuntime python) {",
                example("buffer"),
                "        return evens;",
                "    }",
                "}"), dir);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            loader.setDefaultAssertionStatus(true); // the example's assert statements are checked
            Object evens = loader.loadClass("BufferExample").getMethod("run", PythonRuntime.class).invoke(null, Bridge.RUNTIME);
            assertArrayEquals(new byte[] {0, 2, 4, 6, 8}, (byte[]) evens);
        }
    }
}
