package dev.serpentine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The command line as a user runs it: one process per command, its output and exit status, bad input included. */
class CliTest {

    @TempDir
    Path dir;

    @Test
    void helpOnEveryCommand() throws Exception {
        CliProcess top = CliProcess.run(dir, Map.of(), "--help");
        assertEquals(0, top.status(), top::toString);
        for (String command : new String[] {"run", "doctor", "bench"}) {
            assertTrue(top.out().contains(command), top::toString);
            CliProcess help = CliProcess.run(dir, Map.of(), command, "--help");
            assertEquals(0, help.status(), help::toString);
            assertTrue(help.out().startsWith("Usage: serpentine " + command), help::toString);
            assertTrue(help.out().contains("--python"), help::toString);
        }
    }

    @Test
    void badArgumentsAreOneLineErrors() throws Exception {
        CliProcess unknown = CliProcess.run(dir, Map.of(), "run", "--no-such-option", "x.py");
        assertEquals(2, unknown.status(), unknown::toString);
        unknown.assertOneLineError();
        CliProcess backend = CliProcess.run(dir, Map.of(), "bench", "--backend", "cffi");
        assertEquals(2, backend.status(), backend::toString);
        backend.assertOneLineError();
        CliProcess nothing = CliProcess.run(dir, Map.of(), "run");
        assertEquals(2, nothing.status(), nothing::toString);
        nothing.assertOneLineError();
        CliProcess noCommand = CliProcess.run(dir, Map.of());
        assertNotEquals(0, noCommand.status(), noCommand::toString);
    }

    @Test
    void codeSeesArgvAndSerpentineAndItsExitStatusIsTheCommands() throws Exception {
        CliProcess p = CliProcess.run(dir, Map.of(), "run", "-c",
                "import sys, json, serpentine\n"
                        + "print(sys.argv)\n"
                        + "print(repr(sys.path[0]))\n"
                        + "print(serpentine.loads(serpentine.dumps({'k': [1, 2.5, 'é']})) == json.loads('{\"k\": [1, 2.5, \"é\"]}'))\n"
                        + "print('to stderr', file=sys.stderr)\n"
                        + "sys.exit(7)", "a", "b c");
        assertEquals(7, p.status(), p::toString);
        assertEquals("['-c', 'a', 'b c']\n''\nTrue\n", p.out(), p::toString);
        assertEquals("to stderr\n", p.err(), p::toString);
    }

    @Test
    void scriptRunsWithItsFolderFirstOnSysPathAndPythonpathHonoured() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app"));
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Files.writeString(app.resolve("helper.py"), "VALUE = 'from the script folder'\n");
        Files.writeString(lib.resolve("extra.py"), "VALUE = 'from PYTHONPATH'\n");
        Files.writeString(app.resolve("main.py"), "import sys, os, helper, extra\n"
                + "print(sys.argv[1:], os.path.basename(sys.argv[0]), __name__)\n"
                + "print(sys.path[0] == os.path.dirname(os.path.realpath(__file__)))\n"
                + "print(helper.VALUE); print(extra.VALUE)\n"
                + "raise SystemExit('bye')\n");
        CliProcess p = CliProcess.run(dir, Map.of("PYTHONPATH", lib.toString()), "run", "app/main.py", "--flag", "x");
        assertEquals(1, p.status(), p::toString); // SystemExit with a message: printed, status 1 (as python)
        assertEquals("['--flag', 'x'] main.py __main__\nTrue\nfrom the script folder\nfrom PYTHONPATH\n", p.out(), p::toString);
        assertEquals("bye\n", p.err(), p::toString);
    }

    @Test
    void uncaughtExceptionPrintsTracebackAndFails() throws Exception {
        Files.writeString(dir.resolve("boom.py"), "def f():\n    raise ValueError('boom')\nf()\n");
        CliProcess p = CliProcess.run(dir, Map.of(), "run", "boom.py");
        assertEquals(1, p.status(), p::toString);
        assertTrue(p.err().startsWith("Traceback (most recent call last):"), p::toString);
        assertTrue(p.err().strip().endsWith("ValueError: boom"), p::toString);
    }

    @Test
    void missingScriptAndUnusableInterpreterAreOneLineErrors() throws Exception {
        CliProcess missing = CliProcess.run(dir, Map.of(), "run", "no_such_script.py");
        assertEquals(1, missing.status(), missing::toString);
        missing.assertOneLineError();
        assertTrue(missing.err().contains("no_such_script.py"), missing::toString);

        CliProcess noInterpreter = CliProcess.run(dir, Map.of(), "run", "--python", dir.resolve("nope").toString(), "-c", "1");
        assertEquals(1, noInterpreter.status(), noInterpreter::toString);
        noInterpreter.assertOneLineError();
        assertTrue(noInterpreter.err().contains("no such interpreter"), noInterpreter::toString);

        // A directory that is no Python home: refused before anything is loaded, with the reason.
        CliProcess notAHome = CliProcess.run(dir, Map.of(), "run", "--python", dir.toString(), "-c", "1");
        assertEquals(1, notAHome.status(), notAHome::toString);
        notAHome.assertOneLineError();
        assertTrue(notAHome.err().contains("libpython"), notAHome::toString);
    }

    @Test
    void doctorExplainsTheEmbeddedInterpreterAndRefusesABrokenOne() throws Exception {
        CliProcess ok = CliProcess.run(dir, Map.of(), "doctor");
        assertEquals(0, ok.status(), ok::toString);
        for (String line : new String[] {"files:         CPython 3.14", "stdlib:", "ABI bundles:   cp39, cp310, cp311,",
                "ABI bundle:    cp314", "backend:", "verdict:       usable"}) {
            assertTrue(ok.out().contains(line), () -> line + " missing from\n" + ok);
        }
        CliProcess broken = CliProcess.run(dir, Map.of(), "doctor", "--python", dir.toString());
        assertEquals(1, broken.status(), broken::toString);
        assertTrue(broken.out().contains("verdict:       cannot be used: no shared libpython"), broken::toString);
        assertEquals("", broken.err(), broken::toString);
    }

    @Test
    void pytestRunsUnderAPyenvInterpreter() throws Exception {
        Path python = Path.of(System.getProperty("user.home"), ".pyenv/versions/3.11.7/bin/python");
        assumeTrue(Files.isExecutable(python), "no pyenv CPython 3.11.7 with pytest on this machine");
        Path tests = Files.createDirectories(dir.resolve("tests"));
        Files.writeString(tests.resolve("test_json.py"), "import json, serpentine\n"
                + "def test_round_trip():\n"
                + "    doc = {'a': [1, 2.5, None, 'ü']}\n"
                + "    assert json.loads(serpentine.dumps(doc)) == doc\n"
                + "def test_loads_matches_json():\n"
                + "    assert serpentine.loads('[1, {\"b\": true}]') == json.loads('[1, {\"b\": true}]')\n");
        CliProcess passing = CliProcess.run(dir, Map.of(), "run", "--python", python.toString(), "-m", "pytest", "-q",
                "-p", "no:cacheprovider", "tests");
        assertEquals(0, passing.status(), passing::toString);
        assertTrue(passing.out().contains("2 passed"), passing::toString);

        Files.writeString(tests.resolve("test_fails.py"), "def test_fails():\n    assert 1 == 2\n");
        CliProcess failing = CliProcess.run(dir, Map.of(), "run", "--python", python.toString(), "-m", "pytest", "-q",
                "-p", "no:cacheprovider", "tests");
        assertEquals(1, failing.status(), failing::toString); // pytest's status for failed tests
        assertTrue(failing.out().contains("1 failed, 2 passed"), failing::toString);
    }

    @Test
    void benchTimesAndChecksTheGivenDocumentAndWritesAChart() throws Exception {
        Files.writeString(dir.resolve("doc.json"), "{\"a\": [1, 2.5, \"x\", null, true], \"b\": {\"c\": \"é\"}}");
        CliProcess p = CliProcess.run(dir, Map.of(), "bench", "--min-time", "0", "--chart", "out/chart.png", "doc.json");
        assertEquals(0, p.status(), p::toString);
        assertTrue(p.out().contains("every result checked against json: ok"), p::toString);
        assertTrue(p.out().matches("(?s).*doc\\.json +dumps +[0-9.]+ +[0-9.]+ .*\\d+\\.\\d\\dx\n.*"), p::toString);
        assertTrue(p.out().matches("(?s).*doc\\.json +loads +[0-9.]+ .*"), p::toString);
        byte[] png = Files.readAllBytes(dir.resolve("out/chart.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));

        CliProcess missing = CliProcess.run(dir, Map.of(), "bench", "missing.json");
        assertEquals(1, missing.status(), missing::toString);
        missing.assertOneLineError();
    }
}
