package dev.serpentine.benchmarks;

import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.PyDictView;
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
 * A walk over a {@code dict} of 100 str → int entries, each visit folding the key and value addresses: the direct
 * walk of {@code PyDictView.forEach} over the entries block, against a {@code PyDict_Next} loop (one downcall and two
 * loads per entry). {@code viewFallback} is {@code forEach} on a dict subclass with the same entries, which takes the
 * view's own {@code PyDict_Next} path (with its per-walk slot allocation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DictWalkBenchmark {

    @Param({"ffm", "jna"})
    public String backend;

    private Embedded python;
    private CPythonBinding py;
    private NativeMemory mem;
    private PyDictView dictView;
    private long dict;
    private long subclassDict;
    private long slots;
    private final Folder folder = new Folder();

    /** Reused visitor: no allocation per walk. */
    static final class Folder implements PyDictView.EntryVisitor {
        long acc;

        @Override
        public boolean entry(long key, long value) {
            acc += key ^ value;
            return true;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        python = Embedded.start(backend);
        python.holdGil();
        py = python.py;
        mem = python.mem;
        dictView = python.views.dict();
        python.exec("class _BenchDict(dict): pass\n");
        dict = python.eval("{f'key{i}': i * 1000 for i in range(100)}");
        subclassDict = python.eval("_BenchDict({f'key{i}': i * 1000 for i in range(100)})");
        Embedded.check(dictView.size(dict) == 100, "not 100 entries");
        Embedded.check(dictView.walksDirectly(dict), "the dict is not walked directly");
        Embedded.check(!dictView.walksDirectly(subclassDict), "the subclass is walked directly");
        slots = py.PyMem_RawCalloc(3, 8);
        long a = direct();
        Embedded.check(a == dictNext(), "the two walks disagree");
        Embedded.check(viewFallback() != 0, "the fallback walk saw nothing");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        py.PyMem_RawFree(slots);
        py.Py_DecRef(dict);
        py.Py_DecRef(subclassDict);
        python.releaseGil();
    }

    /** {@code PyDictView.forEach} on an exact dict: the entries read in place. */
    @Benchmark
    public long direct() {
        Folder f = folder;
        f.acc = 0;
        dictView.forEach(dict, f);
        return f.acc;
    }

    /** {@code PyDict_Next} loop with preallocated {@code pos}/{@code key}/{@code value} slots. */
    @Benchmark
    public long dictNext() {
        CPythonBinding c = py;
        NativeMemory m = mem;
        long o = dict;
        long pos = slots;
        m.putLong(pos, 0);
        long acc = 0;
        while (c.PyDict_Next(o, pos, pos + 8, pos + 16) != 0) acc += m.getLong(pos + 8) ^ m.getLong(pos + 16);
        return acc;
    }

    /** {@code PyDictView.forEach} on a dict subclass: the view's {@code PyDict_Next} fallback. */
    @Benchmark
    public long viewFallback() {
        Folder f = folder;
        f.acc = 0;
        dictView.forEach(subclassDict, f);
        return f.acc;
    }
}
