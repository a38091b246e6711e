package dev.serpentine.benchmarks;

import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.buffer.AcquiredBuffer;
import dev.serpentine.ffi.buffer.BufferFlags;
import dev.serpentine.ffi.buffer.BufferProtocol;
import dev.serpentine.ffi.buffer.PyBuffers;
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

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A strided 1 MiB buffer ({@code memoryview(bytearray(2 MiB))[::2]}, acquired once) copied to a C-ordered
 * {@code byte[]}: {@code AcquiredBuffer.toArray('C')} (Java walk over the strides) against {@code mv.tobytes()}
 * through the C-API ({@code PyObject_GetAttrString} + {@code PyObject_CallObject} + {@code PyBytes_AsString}
 * and a copy into a Java array). {@code elementWalk} is a diagnostic: the same strided walk
 * ({@code forEachElement}) reading each 1-byte element with {@code getByte} instead of a 1-byte array copy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BufferBenchmark {

    private static final int MIB = 1 << 20;

    @Param({"ffm", "jna"})
    public String backend;

    private Embedded python;
    private CPythonBinding py;
    private NativeMemory mem;
    private long memoryview;
    private AcquiredBuffer buffer;
    private long tobytesName;
    private ByteCollector collector;

    @Setup(Level.Trial)
    public void setUp() {
        python = Embedded.start(backend);
        python.holdGil();
        py = python.py;
        mem = python.mem;
        memoryview = python.eval("memoryview(bytearray(i * 7 & 0xff for i in range(2 * 1024 * 1024)))[::2]");
        buffer = new BufferProtocol(python.interpreter).acquire(memoryview, BufferFlags.FULL_RO);
        Embedded.check(buffer.len() == MIB && !buffer.isContiguous('A'), "not a strided 1 MiB buffer");
        tobytesName = CStrings.allocate(py, "tobytes");
        byte[] a = view();
        byte[] b = capi();
        collector = new ByteCollector(mem);
        byte[] c = elementWalk();
        Embedded.check(a.length == MIB && Arrays.equals(a, b) && Arrays.equals(a, c) && a[1] == 14,
                "the copies disagree");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        buffer.close();
        CStrings.free(py, tobytesName);
        py.Py_DecRef(memoryview);
        python.releaseGil();
    }

    /** {@code AcquiredBuffer.toArray('C')}. */
    @Benchmark
    public byte[] view() {
        return buffer.toArray('C');
    }

    /** Diagnostic: {@code forEachElement('C')} with a {@code getByte} per element into a Java array. */
    @Benchmark
    public byte[] elementWalk() {
        ByteCollector c = collector;
        c.out = new byte[(int) buffer.len()];
        c.at = 0;
        buffer.forEachElement('C', c);
        return c.out;
    }

    /** Reused element visitor of {@link #elementWalk}. */
    static final class ByteCollector implements PyBuffers.ElementVisitor {
        final NativeMemory mem;
        byte[] out;
        int at;

        ByteCollector(NativeMemory mem) {
            this.mem = mem;
        }

        @Override
        public void element(long address) {
            out[at++] = mem.getByte(address);
        }
    }

    /** {@code mv.tobytes()} through the C-API, then the bytes copied into a Java array. */
    @Benchmark
    public byte[] capi() {
        CPythonBinding c = py;
        long method = c.PyObject_GetAttrString(memoryview, tobytesName);
        if (method == 0) throw python.interpreter.error("memoryview.tobytes");
        try {
            long bytes = c.PyObject_CallObject(method, 0);
            if (bytes == 0) throw python.interpreter.error("memoryview.tobytes()");
            try {
                long p = c.PyBytes_AsString(bytes);
                int n = (int) c.PyBytes_Size(bytes);
                byte[] out = new byte[n];
                mem.copyToArray(p, out, 0, n);
                return out;
            } finally {
                c.Py_DecRef(bytes);
            }
        } finally {
            c.Py_DecRef(method);
        }
    }
}
