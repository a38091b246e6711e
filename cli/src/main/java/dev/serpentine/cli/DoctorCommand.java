package dev.serpentine.cli;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.EmbeddedCPython;
import dev.serpentine.ffi.SerpentineException;
import dev.serpentine.ffi.abi.AbiSelector;
import dev.serpentine.ffi.abi.CPythonAbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * {@code serpentine doctor}: whether an interpreter can be used, and if not, why. It goes through the same steps as
 * a start (files, ABI bundle on offer, initialization, ABI verification against the live interpreter) and stops at
 * the first that fails, with its reason; the checks themselves are python-bridge's and ffi-core's.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Explain whether (and why not) an interpreter can be used: version, build, home, standard library,"
                + " ABI bundle and its self-checks.")
final class DoctorCommand implements Callable<Integer> {

    @Mixin
    InterpreterOptions interpreter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("interpreter:   " + interpreter.describe());
        try {
            String configured = interpreter.python != null ? interpreter.python
                    : System.getProperty(PythonRuntime.INTERPRETER_PROPERTY, "");
            CPythonInstallation installation = configured.isBlank()
                    ? EmbeddedCPython.fromClasspath(DoctorCommand.class.getClassLoader())
                    : CPythonInstallation.locate(configured);
            out.println("files:         CPython " + installation.version() + " from " + installation.origin());
            out.println("home:          " + installation.home());
            out.println("libpython:     " + installation.library());
            installation.checkStandardLibrary();
            out.println("stdlib:        " + installation.standardLibrary() + " (ok)");
            List<CPythonAbi> abis = new ArrayList<>();
            ServiceLoader.load(CPythonAbi.class, DoctorCommand.class.getClassLoader()).forEach(abis::add);
            out.println("ABI bundles:   " + AbiSelector.supported(abis));
            AbiSelector.requireBundleFor(installation.version(), abis);

            PythonRuntime runtime = interpreter.start();
            out.println("started:       CPython " + runtime.version() + ", build " + runtime.flavour()
                    + " (abiflags '" + runtime.flavour().abiflags() + "')");
            out.println("ABI bundle:    " + runtime.abi() + ": layouts verified against the live interpreter");
            out.println("backend:       " + runtime.backend() + " on Java " + Runtime.version());
            String check = runtime.call(python -> {
                try (PyRef result = python.eval("__import__('serpentine').loads(__import__('serpentine').dumps("
                        + "{'a': [1, 2.5, 'é', None, True]})) == {'a': [1, 2.5, 'é', None, True]}")) {
                    return python.str(result);
                }
            });
            if (!"True".equals(check)) throw new Main.CliException("serpentine.dumps/loads gave a wrong round trip");
            out.println("serpentine:    import serpentine, dumps/loads round trip (ok)");
            out.println("verdict:       usable");
            out.flush();
            return 0;
        } catch (SerpentineException e) {
            out.println("verdict:       cannot be used: " + Main.oneLine(e));
            out.flush();
            return Main.FAILED;
        }
    }
}
