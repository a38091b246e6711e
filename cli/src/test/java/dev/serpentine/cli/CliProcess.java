package dev.serpentine.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code serpentine …} as a user runs it: a JVM of its own on this module's class path, its output and status. */
record CliProcess(int status, String out, String err) {

    static CliProcess run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("cli-out", ".txt");
        Path err = Files.createTempFile("cli-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PYTHON"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("serpentine " + String.join(" ", args) + " did not end within 300 s");
        }
        try {
            return new CliProcess(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** A one-line error: a single line on stderr, starting with the command's name, and no stack trace. */
    void assertOneLineError() {
        String[] lines = err.strip().split("\n");
        if (!err.startsWith("serpentine: ") || err.contains("\tat ") || err.contains("Exception in thread")) {
            throw new AssertionError("not a one-line error (status " + status + "): " + err);
        }
        if (lines.length > 2 || (lines.length == 2 && !lines[1].startsWith("Try "))) {
            throw new AssertionError("more than one line of error: " + err);
        }
    }

    @Override
    public String toString() {
        return "status " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
