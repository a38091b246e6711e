package dev.serpentine.ffi.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test sources in a new JVM: the java of this JVM, its class path (Surefire's manifest-only
 * booter jar works with {@code -cp} too), native access enabled, stdout and stderr merged into one file.
 */
final class ForkedJvm {

    /** The result of a forked run: the exit code and everything the child printed. */
    record Result(int exitCode, String output, List<String> command) {
        String describe() {
            String shown = String.join(" ", command).replace(System.getProperty("java.class.path"), "<class path of this JVM>");
            return "exit code " + exitCode + " of " + shown + "\n--- child output ---\n" + output;
        }
    }

    private ForkedJvm() {
    }

    /** The java executable of this JVM. */
    static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The Java feature version of this JVM, as the children get it. */
    static int feature() {
        return Runtime.version().feature();
    }

    /**
     * Runs {@code mainClass} with {@code properties} as {@code -D} options and {@code args}, killing it after
     * {@code timeout}.
     */
    static Result run(Class<?> mainClass, Map<String, String> properties, Map<String, String> environment,
                      long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        String cache = System.getProperty("serpentine.cache.dir");
        if (cache != null && !properties.containsKey("serpentine.cache.dir")) {
            command.add("-Dserpentine.cache.dir=" + cache);
        }
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));

        Path log = Files.createTempFile("serpentine-forked-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(environment);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                String out = read(log);
                return new Result(-1, out + "\n[killed after " + timeoutSeconds + " s]", command);
            }
            return new Result(p.exitValue(), read(log), command);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Ends a child JVM's main: exit code 0 when {@code unexpected} is null, else 3 after printing it (a line
     * {@code UNEXPECTED …} and the stack trace), the output flushed either way.
     */
    static void exitChild(Throwable unexpected) {
        if (unexpected != null) {
            System.out.println("UNEXPECTED " + unexpected);
            unexpected.printStackTrace(System.out);
        }
        System.out.flush();
        System.exit(unexpected == null ? 0 : 3);
    }

    private static String read(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }
}
