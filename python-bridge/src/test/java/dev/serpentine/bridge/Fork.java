package dev.serpentine.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A forked JVM running {@link ForkedMain}: the same java, class path and interpreter as this test JVM, for what must
 * not touch the shared runtime (configuration read once, lifecycle, crashes).
 */
public final class Fork {

    /** What the child did: its exit code and its merged stdout/stderr. */
    public record Result(int exitCode, String output) {
        /** The value of the child's {@code key=value} line, or null. */
        public String value(String key) {
            for (String line : output.split("\n")) {
                if (line.startsWith(key + "=")) return line.substring(key.length() + 1);
            }
            return null;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ", output:\n" + output;
        }
    }

    private Fork() {
    }

    /**
     * Runs {@code ForkedMain scenario args…} with {@code jvmArgs} (e.g. {@code -Dx=y}) and {@code env} added to this
     * JVM's environment; kills it after {@code timeoutSeconds}.
     */
    public static Result run(List<String> jvmArgs, Map<String, String> env, int timeoutSeconds, String scenario,
                             String... args) throws IOException, InterruptedException {
        return run(ForkedMain.class, jvmArgs, env, timeoutSeconds, scenario, args);
    }

    /** The same with another main class taking {@code scenario args…}. */
    public static Result run(Class<?> main, List<String> jvmArgs, Map<String, String> env, int timeoutSeconds,
                             String scenario, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        for (String p : List.of("serpentine.test.python", "serpentine.backend", "serpentine.cache.dir")) {
            String v = System.getProperty(p);
            if (v != null) cmd.add("-D" + p + "=" + v);
        }
        cmd.addAll(jvmArgs);
        cmd.add(main.getName());
        cmd.add(scenario);
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("serpentine-fork-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "TIMEOUT after " + timeoutSeconds + " s (killed)\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
