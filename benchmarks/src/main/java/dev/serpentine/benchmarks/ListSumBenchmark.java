package dev.serpentine.benchmarks;

import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.view.PyListView;
import dev.serpentine.ffi.view.PyLongView;
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

/** Sum of a {@code list} of 1000 ints: read in place through the views, or one C-API call per item and per int. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ListSumBenchmark {

    @Param({"ffm", "jna"})
    public String backend;

    private Embedded python;
    private CPythonBinding py;
    private PyListView listView;
    private PyLongView longView;
    private long list;
    private long size;

    @Setup(Level.Trial)
    public void setUp() {
        python = Embedded.start(backend);
        python.holdGil();
        py = python.py;
        listView = python.views.list();
        longView = python.views.integer();
        list = python.eval("[i * 7919 - 3_000_000 for i in range(1000)]");
        size = listView.size(listView.checked(list));
        long expected = 0;
        for (int i = 0; i < 1000; i++) expected += i * 7919L - 3_000_000L;
        Embedded.check(size == 1000 && views() == expected && capi() == expected, "the two sums disagree");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        py.Py_DecRef(list);
        python.releaseGil();
    }

    /** {@code PyListView.item} + {@code PyLongView.longValue}: loads only. */
    @Benchmark
    public long views() {
        PyListView l = listView;
        PyLongView v = longView;
        long o = list;
        long n = l.size(o);
        long sum = 0;
        for (long i = 0; i < n; i++) sum += v.longValue(l.item(o, i));
        return sum;
    }

    /** {@code PyList_GetItem} + {@code PyLong_AsLongLong}: two downcalls per item. */
    @Benchmark
    public long capi() {
        CPythonBinding c = py;
        long o = list;
        long n = c.PyList_Size(o);
        long sum = 0;
        for (long i = 0; i < n; i++) sum += c.PyLong_AsLongLong(c.PyList_GetItem(o, i));
        return sum;
    }
}
