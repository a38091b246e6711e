package dev.serpentine.benchmarks;

import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.PyStrView;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A {@code str} of 1000 characters to a Java {@code String}: the characters read in place at their kind, or the
 * UTF-8 form from {@code PyUnicode_AsUTF8AndSize}, copied and decoded. For a non-ASCII string CPython caches the
 * UTF-8 form in the object at the first call, so the C-API path measures the steady state: one downcall, a copy
 * and a UTF-8 decode.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StrBenchmark {

    @Param({"ffm", "jna"})
    public String backend;

    /** {@code ascii}: 1-byte kind, compact ASCII; {@code ucs2}: 2-byte kind (Cyrillic, 2 UTF-8 bytes each). */
    @Param({"ascii", "ucs2"})
    public String text;

    private Embedded python;
    private CPythonBinding py;
    private NativeMemory mem;
    private PyStrView strView;
    private long str;
    private long sizeSlot;

    @Setup(Level.Trial)
    public void setUp() {
        python = Embedded.start(backend);
        python.holdGil();
        py = python.py;
        mem = python.mem;
        strView = python.views.str();
        String expected;
        if (text.equals("ascii")) {
            str = python.eval("''.join(chr(0x20 + i % 95) for i in range(1000))");
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 1000; i++) b.append((char) (0x20 + i % 95));
            expected = b.toString();
            Embedded.check(strView.kind(str) == PyStrView.KIND_1BYTE && strView.isAscii(str), "not compact ASCII");
        } else {
            str = python.eval("''.join(chr(0x410 + i % 64) for i in range(1000))");
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 1000; i++) b.append((char) (0x410 + i % 64));
            expected = b.toString();
            Embedded.check(strView.kind(str) == PyStrView.KIND_2BYTE, "not a 2-byte str");
        }
        sizeSlot = py.PyMem_RawMalloc(8);
        Embedded.check(expected.equals(view()) && expected.equals(capi()), "the two strings disagree");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        py.PyMem_RawFree(sizeSlot);
        py.Py_DecRef(str);
        python.releaseGil();
    }

    /** {@code PyStrView.toJavaString}: the characters copied at their kind. */
    @Benchmark
    public String view() {
        return strView.toJavaString(str);
    }

    /** {@code PyUnicode_AsUTF8AndSize} + copy + {@code new String(bytes, UTF_8)}. */
    @Benchmark
    public String capi() {
        long p = py.PyUnicode_AsUTF8AndSize(str, sizeSlot);
        if (p == 0) throw python.interpreter.error("PyUnicode_AsUTF8AndSize");
        int n = (int) mem.getLong(sizeSlot);
        byte[] utf8 = new byte[n];
        mem.copyToArray(p, utf8, 0, n);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
