package dev.serpentine.cli;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code serpentine run}: Python in the embedded interpreter as {@code python} runs it — {@code sys.argv},
 * {@code sys.path} with the script's folder (or the working directory) first, {@code PYTHONPATH} and the
 * interpreter's site-packages (CPython's own start-up), stdout and stderr on the process's own descriptors, and the
 * exit status, {@code SystemExit} included. The Python side is {@code run.py}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a Python script, module (-m) or code (-c) in the embedded interpreter, as python would.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    InterpreterOptions interpreter;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Target target;

    static final class Target {
        @Option(names = "-m", paramLabel = "MODULE", description = "Run a library module as a script (like python -m).")
        String module;
        @Option(names = "-c", paramLabel = "CODE", description = "Run the program passed as a string (like python -c).")
        String code;
    }

    @Parameters(paramLabel = "SCRIPT [ARGS]", description = "The script to run (unless -m or -c), then its arguments.")
    List<String> arguments = new ArrayList<>();

    /**
     * As python does, everything after {@code -m MODULE} or {@code -c CODE} belongs to the program: a {@code --} put
     * after the target ends picocli's options there ({@code run -m pytest -q tests}). After a script, the run
     * command's stop-at-positional setting does the same.
     */
    static String[] endOptionsAfterTarget(String[] args) {
        int run = 0;
        while (run < args.length && args[run].startsWith("-")) run++;
        if (run == args.length || !args[run].equals("run")) return args;
        List<String> out = new ArrayList<>(List.of(args).subList(0, run + 1));
        for (int i = run + 1; i < args.length; i++) {
            String a = args[i];
            out.add(a);
            if (a.equals("--") || !a.startsWith("-")) {
                out.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
            if (a.equals("--python") || a.equals("--backend")) {
                if (i + 1 < args.length) out.add(args[++i]);
            } else if (a.startsWith("-m") || a.startsWith("-c")) { // -m MODULE, or -mMODULE
                if ((a.equals("-m") || a.equals("-c")) && i + 1 < args.length) out.add(args[++i]);
                out.add("--");
                out.addAll(List.of(args).subList(i + 1, args.length));
                break;
            }
        }
        return out.toArray(String[]::new);
    }

    @Override
    public Integer call() throws Exception {
        String mode;
        String what;
        List<String> args = new ArrayList<>(arguments);
        if (target != null && target.module != null) {
            mode = "module";
            what = target.module;
        } else if (target != null && target.code != null) {
            mode = "code";
            what = target.code;
        } else if (!args.isEmpty()) {
            mode = "script";
            what = args.remove(0);
            Path script = Path.of(what);
            if (!Files.isRegularFile(script) && !Files.isDirectory(script)) {
                throw new Main.CliException("can't open file '" + script.toAbsolutePath() + "': no such file");
            }
        } else {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "nothing to run: give a SCRIPT, -m MODULE or -c CODE");
        }
        PythonRuntime runtime = interpreter.start();
        // The program runs on this thread, which holds the GIL as long as Python does not release it (as in python).
        long status = runtime.call(python -> {
            try (PyRef main = PythonSources.function(python, "run", "main");
                 PyRef result = python.call(main, mode, what, String.join("\0", args), args.size())) {
                return ((Number) python.toJava(result)).longValue();
            }
        });
        return (int) status;
    }
}
