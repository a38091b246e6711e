package dev.serpentine.benchmarks;

import dev.serpentine.bridge.GilTask;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.binding.CPythonBinding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * The cost of getting the GIL for an empty task, on a benchmark thread that does <em>not</em> hold it (and has no
 * Python thread state between calls): {@code runtime.call} on this platform thread, {@code runtime.submit(…).join()}
 * through the GIL executor's worker threads, and the bare {@code PyGILState_Ensure}/{@code Release} pair underneath
 * (which creates and destroys a thread state each time). {@code ensureReleaseKeptThreadState} is a diagnostic: the
 * same pair on a thread that keeps its thread state between calls (taken once with Ensure, then
 * {@code PyEval_SaveThread}), so each pair is only {@code PyEval_RestoreThread} + {@code PyEval_SaveThread}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GilBenchmark {

    private static final GilTask<Object> EMPTY = python -> null;

    @Param({"ffm", "jna"})
    public String backend;

    private PythonRuntime runtime;
    private CPythonBinding py;

    @Setup(Level.Trial)
    public void setUp() {
        Embedded python = Embedded.start(backend);
        runtime = python.runtime;
        py = python.py;
        Embedded.check(py.PyGILState_Check() == 0, "the benchmark thread holds the GIL");
        runtime.call(EMPTY);
        runtime.submit(EMPTY).join();
    }

    /** {@code runtime.call(python -> null)} on the benchmark thread: Ensure, scope, drain, Release. */
    @Benchmark
    public Object call() {
        return runtime.call(EMPTY);
    }

    /** {@code runtime.submit(python -> null).join()}: queue hand-off to a GIL worker and back. */
    @Benchmark
    public Object submitJoin() {
        return runtime.submit(EMPTY).join();
    }

    /** A Python thread state kept by the benchmark thread, which does not hold the GIL between operations. */
    @State(Scope.Thread)
    public static class KeptThreadState {
        private CPythonBinding py;
        private int outer;
        private long tstate;

        @Setup(Level.Trial)
        public void setUp(GilBenchmark benchmark) {
            py = benchmark.py;
            outer = py.PyGILState_Ensure();
            tstate = py.PyEval_SaveThread();
            Embedded.check(py.PyGILState_Check() == 0, "the GIL is still held");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            py.PyEval_RestoreThread(tstate);
            py.PyGILState_Release(outer);
        }
    }

    /** Diagnostic: Ensure + Release on a thread that keeps its thread state (no create/destroy per call). */
    @Benchmark
    public int ensureReleaseKeptThreadState(KeptThreadState kept) {
        CPythonBinding c = kept.py;
        int state = c.PyGILState_Ensure();
        c.PyGILState_Release(state);
        return state;
    }

    /** The raw pair under {@code call}: {@code PyGILState_Ensure} + {@code PyGILState_Release}. */
    @Benchmark
    public int ensureRelease() {
        CPythonBinding c = py;
        int state = c.PyGILState_Ensure();
        c.PyGILState_Release(state);
        return state;
    }
}
