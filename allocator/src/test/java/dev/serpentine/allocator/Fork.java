package dev.serpentine.allocator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test main class in a JVM of its own, started the way this JVM runs: the same java, interpreter and backend; the
 * class path, or on the module path the same module path with the test classes patched into this module (their
 * package belongs to it, so the class path alone would not find them).
 */
final class Fork {

    /** The child's exit code and merged stdout/stderr. */
    record Result(int exitCode, String output) {
        /** The value of the child's {@code key=value} line, or null. */
        String value(String key) {
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

    static Result run(Class<?> main, int timeoutSeconds, String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String p : List.of("serpentine.test.python", "serpentine.backend", "serpentine.cache.dir")) {
            String v = System.getProperty(p);
            if (v != null) cmd.add("-D" + p + "=" + v);
        }
        cmd.addAll(List.of(jvmArgs));
        String modulePath = System.getProperty("jdk.module.path");
        String classPath = System.getProperty("java.class.path");
        if (modulePath == null || !main.getModule().isNamed()) {
            cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", classPath, main.getName()));
        } else {
            String module = main.getModule().getName();
            String access = Runtime.version().feature() >= 22 ? "com.sun.jna,dev.serpentine.ffi.ffm" : "com.sun.jna";
            cmd.addAll(List.of("--enable-native-access=" + access + ",ALL-UNNAMED", "--module-path", modulePath,
                    "--patch-module", module + "=" + System.getProperty("serpentine.test.classes"),
                    "--add-reads", module + "=ALL-UNNAMED", "--add-modules", "ALL-MODULE-PATH",
                    "-cp", classPath, "-m", module + "/" + main.getName()));
        }
        Path out = Files.createTempFile("serpentine-fork-", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
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
