package dev.serpentine.benchmarks;

import dev.serpentine.bridge.GilTask;
import dev.serpentine.bridge.PythonRuntime;
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

import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;

/**
 * An empty task from a virtual thread: {@code runtime.call(python -> null)}, which pins the virtual thread under a
 * native frame and takes the GIL on it, against {@code runtime.submit(…).join()}, the hand-off to a GIL worker and
 * back. Each invocation starts one virtual thread that makes {@value #CALLS} calls (the start and join are shared by
 * them); sampled, so the report has the median.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VirtualThreadGilBenchmark {

    static final int CALLS = 100;
    private static final GilTask<Object> EMPTY = python -> null;
    private static final Method OF_VIRTUAL;
    private static final Method START_VIRTUAL;

    static {
        try {
            OF_VIRTUAL = Thread.class.getMethod("ofVirtual");
            START_VIRTUAL = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Param({"ffm", "jna"})
    public String backend;

    private PythonRuntime runtime;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        runtime = Embedded.start(backend).runtime;
        onVirtualThread(() -> {
            runtime.call(EMPTY);
            runtime.submit(EMPTY).join();
        });
    }

    /** {@code Thread.ofVirtual().start(r).join()}, by reflection: the benchmarks compile for Java 17. */
    private static void onVirtualThread(Runnable r) throws InterruptedException {
        try {
            ((Thread) START_VIRTUAL.invoke(OF_VIRTUAL.invoke(null), r)).join();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("virtual threads need Java 21+", e);
        }
    }

    /** {@code runtime.call(python -> null)} on a virtual thread. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void call() throws InterruptedException {
        onVirtualThread(() -> {
            for (int i = 0; i < CALLS; i++) runtime.call(EMPTY);
        });
    }

    /** {@code runtime.submit(python -> null).join()} on a virtual thread: what {@code call} did before pinning. */
    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void submitJoin() throws InterruptedException {
        onVirtualThread(() -> {
            for (int i = 0; i < CALLS; i++) runtime.submit(EMPTY).join();
        });
    }
}
