package dev.serpentine.cli;

import dev.serpentine.ffi.SerpentineException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code serpentine}: the command line. Every failure a user can cause (bad arguments, a missing file, an interpreter
 * that cannot run) ends in one line on stderr and a non-zero status, never a stack trace.
 */
@Command(name = "serpentine", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "JSON between the JVM and CPython: run Python in the embedded interpreter, check an interpreter, benchmark.",
        subcommands = {RunCommand.class, DoctorCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit status of a usage error (picocli's convention) and of a failure the command reports. */
    static final int USAGE = 2;
    static final int FAILED = 1;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit status. */
    static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("serpentine: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("serpentine: " + oneLine(e));
            return FAILED;
        });
        cli.getSubcommands().get("run").setStopAtPositional(true); // a script's own options are the script's
        return cli.execute(RunCommand.endOptionsAfterTarget(args));
    }

    /** The message of a failure, without a stack trace; unknown exceptions name their type. */
    static String oneLine(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        if (!(t instanceof SerpentineException || t instanceof IOException || t instanceof CliException)) {
            message = t.getClass().getSimpleName() + ": " + message;
        }
        return message.lines().findFirst().orElse(message);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required (run, doctor, bench)");
    }

    /** A failure the command explains itself: its message is all the user sees. */
    static final class CliException extends RuntimeException {
        CliException(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"serpentine " + (v == null ? "(development build)" : v) + " on Java " + Runtime.version()};
        }
    }
}
