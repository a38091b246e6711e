package dev.serpentine.benchmarks;

import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.internal.CPythonRuntime;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.GilOwnership;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.RunningInterpreter;
import dev.serpentine.bridge.platform.RuntimeInterpreter;
import dev.serpentine.ffi.view.CPythonViews;

/**
 * The embedded default CPython of one benchmark JVM (JMH forks one per benchmark and parameter set, so one
 * interpreter and one backend per JVM), with the raw binding, memory and views the benchmarks read through.
 *
 * <p>{@link #holdGil()} takes the GIL for the whole trial on the benchmark thread ({@code PyGILState_Ensure} once in
 * {@code @Setup(Level.Trial)}), so that the measured code pays for neither the GIL nor a thread state;
 * {@link #releaseGil()} gives it back in {@code @TearDown}, on the same thread.
 */
final class Embedded {

    final PythonRuntime runtime;
    final RunningInterpreter interpreter;
    final CPythonBinding py;
    final NativeMemory mem;
    final CPythonViews views;

    private Thread gilThread;
    private int gilState;

    private Embedded(String backend) {
        this.runtime = PythonRuntime.builder().backend(backend).start();
        if (!runtime.backend().equals(backend)) {
            throw new IllegalStateException("asked for backend " + backend + ", runs " + runtime.backend());
        }
        this.interpreter = RuntimeInterpreter.of(runtime);
        this.py = interpreter.binding();
        this.mem = py.memory();
        this.views = ((CPythonRuntime) runtime).views();
    }

    static Embedded start(String backend) {
        return new Embedded(backend);
    }

    void holdGil() {
        if (gilThread != null) throw new IllegalStateException("the GIL is already held by " + gilThread);
        gilState = py.PyGILState_Ensure();
        GilOwnership.enter(); // as the bridge marks its tasks: the allocator and the buffer API check it
        gilThread = Thread.currentThread();
    }

    void releaseGil() {
        if (gilThread == null) return;
        if (gilThread != Thread.currentThread()) {
            // PyGILState_Release on another thread would corrupt CPython's thread state; better a failed trial.
            throw new IllegalStateException("the GIL was taken on " + gilThread + ", not " + Thread.currentThread());
        }
        GilOwnership.exit();
        py.PyGILState_Release(gilState);
        gilThread = null;
    }

    /** A new reference to the value of {@code expression} (GIL held). */
    long eval(String expression) {
        return interpreter.eval(expression);
    }

    /** Runs statements in the interpreter's private namespace (GIL held). */
    void exec(String code) {
        interpreter.exec(code);
    }

    static void check(boolean condition, String message) {
        if (!condition) throw new IllegalStateException(message);
    }
}
