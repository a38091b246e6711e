package dev.serpentine.bridge;

import dev.serpentine.bridge.internal.RuntimeStarter;
import dev.serpentine.ffi.BuildFlavour;
import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.PythonVersion;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The embedded CPython of this process, up and with a verified ABI bundle bound. There is one per process: CPython is
 * initialized once and never finalized or re-initialized (its C state does not survive that reliably), so the
 * runtime lives until the JVM exits.
 */
@ProviderType
public interface PythonRuntime {

    /** System property: the interpreter to run (a CPython jar, home, libpython or python executable). */
    String INTERPRETER_PROPERTY = "serpentine.python";

    /** The version the interpreter reports. */
    PythonVersion version();

    /** Its build flavour ({@code sys.abiflags}, free-threaded, trace-refs). */
    BuildFlavour flavour();

    /** Where it came from: home, libpython and origin. */
    CPythonInstallation installation();

    /** The backend in use: {@code ffm} or {@code jna}. */
    String backend();

    /** The ABI bundle bound now (a newer bundle installed at runtime replaces it after verification). */
    AbiInfo abi();

    /**
     * Runs {@code task} with the GIL and returns its result. A platform thread takes the GIL itself
     * ({@code PyGILState_Ensure}, nesting allowed); a virtual thread never holds it: its task runs on the GIL
     * executor's platform threads while it waits.
     *
     * @throws dev.serpentine.ffi.PythonException            for a Python exception
     * @throws java.util.concurrent.RejectedExecutionException when the GIL executor's queue is full
     * @throws dev.serpentine.ffi.InterpreterUnavailableException after {@link #shutdown()}
     */
    <T> T call(GilTask<T> task);

    /** As {@link #call(GilTask)}, giving up after {@code timeout} (the task is cancelled if it has not started). */
    <T> T call(GilTask<T> task, java.time.Duration timeout);

    /**
     * Queues {@code task} on the GIL executor (platform threads that hold the GIL for their callers, fair, bounded).
     * Cancelling the future removes a task that has not started; a running one finishes.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the queue is full
     */
    <T> java.util.concurrent.CompletableFuture<T> submit(GilTask<T> task);

    /** Open {@link PyRef} handles of this process, for tests and diagnostics. */
    long liveHandles();

    /**
     * Stops this runtime: new calls are refused, queued ones cancelled, running ones finish. CPython itself stays
     * initialized — it is never finalized, because it cannot be initialized again in one process — so a later
     * {@code start()} with the same interpreter attaches a new runtime to it, and one with another is refused.
     */
    void shutdown();

    boolean isShutdown();

    /** A plain-Java start of the runtime, configured by the builder or by system properties. */
    static Builder builder() {
        return new Builder();
    }

    /** Configures a plain-Java start; unset values fall back to system properties, then to the defaults. */
    final class Builder {
        private String interpreter = System.getProperty(INTERPRETER_PROPERTY, "");
        private String backend = System.getProperty("serpentine.backend", "");
        private ClassLoader loader = PythonRuntime.class.getClassLoader();

        private Builder() {
        }

        /** The interpreter: a CPython jar, home, libpython or executable; blank for the embedded default. */
        public Builder interpreter(String spec) {
            this.interpreter = spec == null ? "" : spec;
            return this;
        }

        /** {@code ffm} or {@code jna}; blank for the best available. */
        public Builder backend(String name) {
            this.backend = name == null ? "" : name;
            return this;
        }

        /** Where backends, ABI bundles and the embedded CPython are looked up. */
        public Builder classLoader(ClassLoader loader) {
            this.loader = loader;
            return this;
        }

        /**
         * Starts the interpreter, or returns the runtime already running with the same configuration.
         *
         * @throws dev.serpentine.ffi.InterpreterUnavailableException when the interpreter cannot run
         * @throws dev.serpentine.ffi.AbiMismatchException            when no ABI bundle fits and verifies
         */
        public PythonRuntime start() {
            return RuntimeStarter.start(interpreter, backend, loader);
        }
    }
}
