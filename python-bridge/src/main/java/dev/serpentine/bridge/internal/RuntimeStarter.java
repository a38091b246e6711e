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
import java.util.concurrent.atomic.AtomicReference;

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

    public static PythonRuntime start(String interpreter, String backend, ClassLoader loader) {
        if (!Threads.isVirtual(Thread.currentThread())) {
            // A start takes the GIL under this class's lock (to verify the ABI), so a thread that already holds the
            // GIL (a start inside a task) releases it while it waits for the lock: the holder may be waiting for it.
            return CPythonRuntime.withGilReleased(() -> startHere(interpreter, backend, loader));
        }
        // A virtual thread never holds the GIL, and initializing CPython binds its main thread state to the thread
        // that does it: a platform thread starts the runtime instead.
        AtomicReference<Object> result = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            try {
                result.set(startHere(interpreter, backend, loader));
            } catch (Throwable t) {
                result.set(t);
            }
        }, "serpentine-runtime-start");
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterpreterUnavailableException("interrupted while starting the Python runtime", e);
        }
        if (result.get() instanceof RuntimeException e) throw e;
        if (result.get() instanceof Error e) throw e;
        return (PythonRuntime) result.get();
    }

    private static synchronized PythonRuntime startHere(String interpreter, String backend, ClassLoader loader) {
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
        RunningInterpreter running = RunningInterpreter.start(binding, installation); // the one place CPython starts
        runtime = new CPythonRuntime(running, AbiSelector.bind(running, abis));
        startedWith = config;
        return runtime;
    }
}
