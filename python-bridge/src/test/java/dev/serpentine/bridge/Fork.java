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
     * How to start {@code main} the way this JVM runs: from the class path, or — when this JVM runs on the module
     * path with the test classes patched into the module — from the same module path and patch, so that the child
     * runs in the named modules too (the class path alone would not see the test classes: their packages belong to
     * the module).
     */
    public static List<String> launch(Class<?> main) {
        String modulePath = System.getProperty("jdk.module.path");
        String classPath = System.getProperty("java.class.path");
        if (modulePath == null || !main.getModule().isNamed()) {
            return List.of("--enable-native-access=ALL-UNNAMED", "-cp", classPath, main.getName());
        }
        String module = main.getModule().getName();
        String testClasses = System.getProperty("serpentine.test.classes");
        if (testClasses == null) throw new IllegalStateException("-Dserpentine.test.classes must name the patched test classes");
        String access = Runtime.version().feature() >= 22
                ? "com.sun.jna,dev.serpentine.ffi.ffm,ALL-UNNAMED" : "com.sun.jna,ALL-UNNAMED";
        return List.of("--enable-native-access=" + access, "--module-path", modulePath,
                "--patch-module", module + "=" + testClasses, "--add-reads", module + "=ALL-UNNAMED",
                "--add-modules", "ALL-MODULE-PATH", "-cp", classPath, "-m", module + "/" + main.getName());
    }

    /**
     * Runs {@code ForkedMain scenario args…} with {@code jvmArgs} (e.g. {@code -Dx=y}) and {@code env} added to this
     * JVM's environment; kills it after {@code timeoutSeconds}.
     */
    public static Result run(List<String> jvmArgs, Map<String, String> env, int timeoutSeconds, String scenario,
                             String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of(scenario));
        all.addAll(List.of(args));
        return run(ForkedMain.class, jvmArgs, env, timeoutSeconds, all.toArray(String[]::new));
    }

    /** Runs the test main class {@code main} with {@code args}, as {@link #run(List, Map, int, String, String...)}. */
    public static Result run(Class<?> main, List<String> jvmArgs, Map<String, String> env, int timeoutSeconds,
                             String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String p : List.of("serpentine.test.python", "serpentine.backend", "serpentine.cache.dir")) {
            String v = System.getProperty(p);
            if (v != null) cmd.add("-D" + p + "=" + v);
        }
        cmd.addAll(jvmArgs);
        cmd.addAll(launch(main));
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
