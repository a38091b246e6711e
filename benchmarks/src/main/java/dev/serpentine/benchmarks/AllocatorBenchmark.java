package dev.serpentine.benchmarks;

import dev.serpentine.allocator.PyAllocator;
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
 * 64 bytes allocated and freed through {@link PyAllocator} (GIL held): the {@code PyMem} domain (GIL-checked)
 * against the raw domain, and the bare {@code PyMem_Malloc}/{@code PyMem_Free} downcalls underneath for the
 * allocator's own cost (GIL check, block bookkeeping, statistics).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AllocatorBenchmark {

    @Param({"ffm", "jna"})
    public String backend;

    private Embedded python;
    private PyAllocator allocator;
    private CPythonBinding py;

    @Setup(Level.Trial)
    public void setUp() {
        python = Embedded.start(backend);
        python.holdGil();
        py = python.py;
        allocator = PyAllocator.of(python.runtime);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        Embedded.check(allocator.stats().toString() != null, "no statistics");
        python.releaseGil();
    }

    /** {@code PyAllocator.malloc(64)} + {@code free}: PyMem domain, GIL held (and checked twice). */
    @Benchmark
    public long mallocFree() {
        long p = allocator.malloc(64);
        allocator.free(p);
        return p;
    }

    /** {@code PyAllocator.rawMalloc(64)} + {@code rawFree}. */
    @Benchmark
    public long rawMallocFree() {
        long p = allocator.rawMalloc(64);
        allocator.rawFree(p);
        return p;
    }

    /** The binding's {@code PyMem_Malloc(64)} + {@code PyMem_Free}, without the allocator. */
    @Benchmark
    public long bindingMallocFree() {
        long p = py.PyMem_Malloc(64);
        py.PyMem_Free(p);
        return p;
    }
}
