package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.EmbeddedCPython;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.abi.AbiSelector;
import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.RunningInterpreter;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Plain-Java start of the runtime: backend and ABI bundles from {@link ServiceLoader}, the interpreter from the
 * configuration or the embedded default on the class path. Each step that can refuse an interpreter runs before
 * CPython is initialized. After {@link PythonRuntime#shutdown()}, a start with the same interpreter attaches a new
 * runtime to the still-initialized CPython; any other is refused.
 */
public final class RuntimeStarter {

    private static CPythonRuntime runtime;
    private static String startedWith;

    private RuntimeStarter() {
    }

    public static synchronized PythonRuntime start(String interpreter, String backend, ClassLoader loader) {
        String config = interpreter.trim() + "|" + backend.trim();
        if (runtime != null && !runtime.isShutdown()) {
            if (config.equals(startedWith)) return runtime;
            throw new InterpreterUnavailableException("the runtime already runs " + runtime + " (configured as '"
                    + startedWith + "'); one interpreter per process — cannot start '" + config + "'");
        }
        CPythonBinding binding = Backends.select(loader, backend);
        CPythonInstallation installation = interpreter.isBlank()
                ? EmbeddedCPython.fromClasspath(loader) : CPythonInstallation.locate(interpreter);
        List<CPythonAbi> abis = new ArrayList<>();
        ServiceLoader.load(CPythonAbi.class, loader).forEach(abis::add);
        AbiSelector.requireBundleFor(installation.version(), abis);
        RunningInterpreter running = RunningInterpreter.start(binding, installation);
        runtime = new CPythonRuntime(running, AbiSelector.bind(running, abis));
        startedWith = config;
        return runtime;
    }
}
