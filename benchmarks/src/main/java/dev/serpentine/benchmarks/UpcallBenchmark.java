package dev.serpentine.benchmarks;

import dev.serpentine.bridge.spi.CodecPlatform;
import dev.serpentine.ffi.binding.CPythonBinding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cost of a Python call into Java (an upcall): what every {@code serpentine.dumps(x)} pays before any work. A
 * no-op {@code serpentine} function, registered through the codec SPI, in both kinds ({@code METH_FASTCALL |
 * METH_KEYWORDS} with no parameters, {@code METH_O}), called {@value #CALLS} times by a Python loop (per call: the
 * loop step, CPython's call and the upcall); the same loop over a C builtin as the baseline, and over the bridge's
 * own {@code serpentine.abi_info} (a scope and a dict per call). With {@code -prof gc}, the no-op rows show the Java
 * side allocates nothing. The setup also prints {@code timeit}'s figure for the same calls, taken in the
 * interpreter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class UpcallBenchmark {

    static final int CALLS = 100;

    @Param({"ffm", "jna"})
    public String backend;

    private Embedded python;
    private CPythonBinding py;
    private long loop;
    private long noopArgs;
    private long noopOArgs;
    private long builtinArgs;
    private long abiInfoArgs;

    @Setup(Level.Trial)
    public void setUp() {
        python = Embedded.start(backend);
        py = python.py;
        CodecPlatform platform = CodecPlatform.of(python.runtime);
        long none = python.views.types().none;
        platform.addFunction(platform.parameters("_bench_noop", List.of(), List.of(), 0), "Does nothing.",
                (args, nargs, kwnames) -> {
                    py.Py_IncRef(none);
                    return none;
                });
        platform.addFunction("_bench_noop_o", "obj", "Does nothing.", arg -> {
            py.Py_IncRef(none);
            return none;
        });
        python.holdGil();
        python.exec("import serpentine, timeit\n"
                + "def _bench_loop(f, a, r=range(" + CALLS + ")):\n"
                + "    for _ in r: f(*a)\n"
                + "def _bench_timeit(call, g):\n"
                + "    n = 100000\n"
                + "    return min(timeit.repeat(call, globals=g, number=n, repeat=5)) / n * 1e9\n");
        loop = python.eval("_bench_loop");
        noopArgs = python.eval("(serpentine._bench_noop, ())");
        noopOArgs = python.eval("(serpentine._bench_noop_o, (None,))");
        builtinArgs = python.eval("(callable, (None,))"); // a METH_O C builtin that allocates nothing
        abiInfoArgs = python.eval("(serpentine.abi_info, ())");
        System.out.println("\n[timeit, " + backend + "] ns per call: "
                + python.interpreter.evalString("'serpentine._bench_noop() %.1f, serpentine._bench_noop_o(None) %.1f,"
                + " callable(None) %.1f, serpentine.abi_info() %.1f' % (_bench_timeit('f()', {'f': serpentine._bench_noop}),"
                + " _bench_timeit('f(None)', {'f': serpentine._bench_noop_o}), _bench_timeit('f(None)', {'f': callable}),"
                + " _bench_timeit('f()', {'f': serpentine.abi_info}))"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (long o : new long[]{loop, noopArgs, noopOArgs, builtinArgs, abiInfoArgs}) py.Py_DecRef(o);
        python.releaseGil();
    }

    private long run(long args) {
        long r = py.PyObject_CallObject(loop, args);
        Embedded.check(r != 0, "the Python loop raised");
        py.Py_DecRef(r);
        return r;
    }

    /** {@code serpentine._bench_noop()} from Python: METH_FASTCALL | METH_KEYWORDS, no arguments. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long noopFastcall() {
        return run(noopArgs);
    }

    /** {@code serpentine._bench_noop_o(None)} from Python: METH_O. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long noopOneArg() {
        return run(noopOArgs);
    }

    /** Baseline: {@code callable(None)}, a C builtin, in the same loop. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long builtinBaseline() {
        return run(builtinArgs);
    }

    /** {@code serpentine.abi_info()}: the convenient kind of function (a scope, an argument array, a dict). */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public long abiInfo() {
        return run(abiInfoArgs);
    }
}
