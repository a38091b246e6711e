package dev.serpentine.distribution;

import org.junit.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * The assembled platform (target/serpentine) as a user runs it: {@code bin/serpentine shell} with Gogo commands on
 * its standard input, which stops the platform at the end of its input; and the command line through the same
 * launcher. On JDK 25 (the FFM backend) and on JDK 17 (JNA).
 */
public class PlatformShellTest {

    private static final Path PLATFORM = Path.of(System.getProperty("serpentine.platform.dir", "target/serpentine"));
    private static final Path JDK25 = Path.of(System.getProperty("java.home"));
    private static final Path JDK17 = Path.of(System.getProperty("serpentine.jdk17.java",
            JDK25.resolve("bin/java").toString())).getParent().getParent();

    private record Result(int status, String out, String err) {
        @Override
        public String toString() {
            return "status " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @Test
    public void shellRunsSerpentinesCommandsOnFfmAndStopsAtTheEndOfItsInput() throws Exception {
        Path doc = Files.writeString(Files.createTempFile("doc", ".json"), "{\"a\": [1, 2.5, \"\\u00e9\", null, true]}");
        Result r = launch(JDK25, "serpentine:status\nserpentine:abi list\nserpentine:abi verify\n"
                + "serpentine:dumps " + doc + "\nserpentine:loads " + doc + "\n", "shell");
        assertEquals(r.toString(), 0, r.status());
        assertTrue(r.toString(), r.out().contains("interpreter: CPython 3.14"));
        assertTrue(r.toString(), r.out().contains("backend:     ffm on Java 25"));
        assertTrue(r.toString(), r.out().matches("(?s).*cp314 +default +\\S+ +bound.*"));
        assertTrue(r.toString(), r.out().contains("cp314 default ") && r.out().contains(": verified against the live interpreter"));
        // orjson's contract: compact, UTF-8 as is
        assertTrue(r.toString(), r.out().contains("{\"a\":[1,2.5,\"é\",null,true]}"));
        assertTrue(r.toString(), r.out().contains("dict of 1 items, " + Files.size(doc) + " bytes, equal to json.loads"));
        assertTrue(r.toString(), r.out().contains("gosh: stopping shell and framework"));
    }

    @Test
    public void shellOnJdk17RunsJnaAndRefusesAMissingFile() throws Exception {
        // The launcher picks JNA below Java 22; where Maven (hence -Dserpentine.jdk17.java) runs on a newer JDK, it is asked.
        String version = Files.readAllLines(JDK17.resolve("release")).stream().filter(l -> l.startsWith("JAVA_VERSION="))
                .findFirst().orElseThrow().replaceAll("[^0-9.]", "");
        boolean before22 = Integer.parseInt(version.split("\\.")[0]) < 22;
        String[] args = before22 ? new String[] {"shell"} : new String[] {"shell", "--backend", "jna"};
        Result r = launch(JDK17, "serpentine:status\nserpentine:loads /no/such.json\n", args);
        assertEquals(r.toString(), 0, r.status());
        assertTrue(r.toString(), r.out().contains("backend:     jna on Java " + version));
        assertTrue(r.toString(), r.out().contains("no such file: /no/such.json"));
    }

    @Test
    public void commandLineThroughTheLauncherAndBadShellArguments() throws Exception {
        Result run = launch(JDK17, "", "run", "-c", "import sys, serpentine; print(serpentine.dumps([1, 'x'])); sys.exit(5)");
        assertEquals(run.toString(), 5, run.status());
        assertEquals(run.toString(), "b'[1,\"x\"]'\n", run.out());

        Result backend = launch(JDK25, "", "shell", "--backend", "cffi");
        assertEquals(backend.toString(), 2, backend.status());
        assertEquals(backend.toString(), "serpentine: --backend is ffm or jna, not 'cffi'\n", backend.err());

        Result python = launch(JDK25, "", "shell", "--python", "/no/such/python");
        assertEquals(python.toString(), 1, python.status());
        assertEquals(python.toString(), "serpentine: no such interpreter: /no/such/python\n", python.err());
    }

    /** {@code bin/serpentine args…} with {@code input} on stdin and {@code JAVA_HOME=jdk}. */
    private static Result launch(Path jdk, String input, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", PLATFORM.resolve("bin/serpentine").toString()));
        command.addAll(List.of(args));
        Path in = Files.writeString(Files.createTempFile("shell-in", ".txt"), input);
        Path out = Files.createTempFile("shell-out", ".txt");
        Path err = Files.createTempFile("shell-err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().remove("SERPENTINE_JAVA_OPTS");
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("bin/serpentine " + String.join(" ", args) + " did not end within 180 s: "
                    + Files.readString(out, StandardCharsets.UTF_8));
        }
        try {
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            for (Path f : List.of(in, out, err)) Files.delete(f);
        }
    }
}
