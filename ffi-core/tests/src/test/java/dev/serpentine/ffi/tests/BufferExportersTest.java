package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.buffer.AcquiredBuffer;
import dev.serpentine.ffi.buffer.BufferFlags;
import dev.serpentine.ffi.tests.BufferKit.Natives;
import dev.serpentine.ffi.tests.BufferKit.Oracle;
import dev.serpentine.ffi.view.PyBufferView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static dev.serpentine.ffi.tests.BufferKit.BUFFERS;
import static dev.serpentine.ffi.tests.BufferKit.MEM;
import static dev.serpentine.ffi.tests.BufferKit.ORDERS;
import static dev.serpentine.ffi.tests.BufferKit.PROTOCOL;
import static dev.serpentine.ffi.tests.BufferKit.PY;
import static dev.serpentine.ffi.tests.BufferKit.evalBytes;
import static dev.serpentine.ffi.tests.BufferKit.evalLongs;
import static dev.serpentine.ffi.tests.BufferKit.evalString;
import static dev.serpentine.ffi.tests.BufferKit.read;
import static dev.serpentine.ffi.tests.BufferKit.readLongs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Buffers of real exporters — bytes, bytearray, array.array, memoryview slices with steps and N-D casts, 0-dim
 * and empty views, ctypes arrays — acquired with every request flag set: the fields must be those
 * {@code PyObject_GetBuffer} gives and those the memoryview reports, and every operation must agree byte for byte
 * with CPython's {@code PyBuffer_*} functions and {@code memoryview.tobytes}.
 */
class BufferExportersTest {

    /** Python statements setting {@code _x} (the exporter) and {@code _s} (whose bytes are all its memory). */
    static final Map<String, String> EXPORTERS = new LinkedHashMap<>();

    static {
        EXPORTERS.put("bytes", "_s = _x = bytes(range(24))");
        EXPORTERS.put("empty bytes", "_s = _x = b''");
        EXPORTERS.put("bytearray", "_s = _x = bytearray(range(24))");
        EXPORTERS.put("empty bytearray", "_s = _x = bytearray()");
        EXPORTERS.put("bytearray after del [:5]", "_s = _x = bytearray(range(30)); del _x[:5]");
        EXPORTERS.put("array b", "_s = _x = array.array('b', range(-12, 12))");
        EXPORTERS.put("array h", "_s = _x = array.array('h', range(-300, 300, 25))");
        EXPORTERS.put("array i", "_s = _x = array.array('i', range(-70000, 70000, 9000))");
        EXPORTERS.put("array q", "_s = _x = array.array('q', [i * 0x0102030405 for i in range(-5, 6)])");
        EXPORTERS.put("array d", "_s = _x = array.array('d', [i / 3 for i in range(10)])");
        EXPORTERS.put("empty array d", "_s = _x = array.array('d')");
        EXPORTERS.put("mv[::3]", "_s = bytearray(range(40)); _x = memoryview(_s)[::3]");
        EXPORTERS.put("mv[::-2]", "_s = bytearray(range(40)); _x = memoryview(_s)[::-2]");
        EXPORTERS.put("mv[5:1:-1]", "_s = bytearray(range(40)); _x = memoryview(_s)[5:1:-1]");
        EXPORTERS.put("mv[::-1]", "_s = bytearray(range(17)); _x = memoryview(_s)[::-1]");
        EXPORTERS.put("mv[3:3]", "_s = bytearray(range(40)); _x = memoryview(_s)[3:3]");
        EXPORTERS.put("mv[7:8:-1] of bytes", "_s = bytes(range(40)); _x = memoryview(_s)[8:7:-1]");
        EXPORTERS.put("mv[::-3] of bytes", "_s = bytes(range(40)); _x = memoryview(_s)[::-3]");
        EXPORTERS.put("mv[1::2] of array q", "_s = array.array('q', range(-6, 6)); _x = memoryview(_s)[1::2]");
        EXPORTERS.put("mv[::-1] of array d", "_s = array.array('d', [i * 1.5 for i in range(7)]); _x = memoryview(_s)[::-1]");
        EXPORTERS.put("cast B [2,3,4]", "_s = bytearray(range(24)); _x = memoryview(_s).cast('B', [2, 3, 4])");
        EXPORTERS.put("cast h [3,4]", "_s = bytearray(range(24)); _x = memoryview(_s).cast('h', [3, 4])");
        EXPORTERS.put("cast h [2,2,3]", "_s = bytearray(range(24)); _x = memoryview(_s).cast('h', [2, 2, 3])");
        EXPORTERS.put("cast i [2,3]", "_s = bytearray(range(24)); _x = memoryview(_s).cast('i', [2, 3])");
        EXPORTERS.put("cast B [2,3,2,2]", "_s = bytearray(range(24)); _x = memoryview(_s).cast('B', [2, 3, 2, 2])");
        EXPORTERS.put("cast q [1,3,1] of bytes", "_s = bytes(range(24)); _x = memoryview(_s).cast('q', [1, 3, 1])");
        EXPORTERS.put("cast B [4,6][::-2]", "_s = bytearray(range(24)); _x = memoryview(_s).cast('B', [4, 6])[::-2]");
        EXPORTERS.put("cast B [6,4][1::2]", "_s = bytearray(range(24)); _x = memoryview(_s).cast('B', [6, 4])[1::2]");
        EXPORTERS.put("cast h [6,2][::-1]", "_s = bytearray(range(24)); _x = memoryview(_s).cast('h', [6, 2])[::-1]");
        EXPORTERS.put("cast B [4,3,2][::3] of bytes", "_s = bytes(range(24)); _x = memoryview(_s).cast('B', [4, 3, 2])[::3]");
        EXPORTERS.put("cast B [4,6][2:2]", "_s = bytearray(range(24)); _x = memoryview(_s).cast('B', [4, 6])[2:2]");
        EXPORTERS.put("0-dim B", "_s = bytearray(b'\\x07'); _x = memoryview(_s).cast('B', [])");
        EXPORTERS.put("0-dim q", "_s = array.array('q', [-1234567890123]); _x = memoryview(_s).cast('B').cast('q', [])");
        EXPORTERS.put("0-dim B of bytes", "_s = bytes(b'\\xfe'); _x = memoryview(_s).cast('B', [])");
        EXPORTERS.put("memoryview of memoryview[::2]", "_s = bytearray(range(30)); _x = memoryview(memoryview(_s)[::2])");
    }

    static final Map<String, String> CTYPES = new LinkedHashMap<>();

    static {
        CTYPES.put("ctypes c_int16*3*4", "_s = _x = (ctypes.c_int16 * 3 * 4)(*[(ctypes.c_int16 * 3)(i, -i, 7 * i) for i in range(4)])");
        CTYPES.put("ctypes c_double*5", "_s = _x = (ctypes.c_double * 5)(0.5, 1.5, -2.5, 3.25, 1e300)");
        CTYPES.put("ctypes c_int8*2*3*2", "_s = _x = (ctypes.c_int8 * 2 * 3 * 2)(); ctypes.memmove(_x, bytes(range(12)), 12)");
        CTYPES.put("mv[::-1] of ctypes c_int32*6", "_s = (ctypes.c_int32 * 6)(*range(6)); _x = memoryview(_s).cast('B').cast('i')[::-1]");
    }

    static final Map<String, Integer> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("SIMPLE", BufferFlags.SIMPLE);
        FLAGS.put("WRITABLE", BufferFlags.WRITABLE);
        FLAGS.put("FORMAT", BufferFlags.FORMAT);
        FLAGS.put("ND", BufferFlags.ND);
        FLAGS.put("CONTIG", BufferFlags.CONTIG);
        FLAGS.put("STRIDES", BufferFlags.STRIDES);
        FLAGS.put("STRIDED", BufferFlags.STRIDED);
        FLAGS.put("RECORDS_RO", BufferFlags.RECORDS_RO);
        FLAGS.put("C_CONTIGUOUS", BufferFlags.C_CONTIGUOUS);
        FLAGS.put("F_CONTIGUOUS", BufferFlags.F_CONTIGUOUS);
        FLAGS.put("ANY_CONTIGUOUS", BufferFlags.ANY_CONTIGUOUS);
        FLAGS.put("INDIRECT", BufferFlags.INDIRECT);
        FLAGS.put("FULL_RO", BufferFlags.FULL_RO);
        FLAGS.put("FULL", BufferFlags.FULL);
    }

    static Stream<Arguments> cases() {
        Map<String, String> exporters = new LinkedHashMap<>(EXPORTERS);
        try (var g = Live.gil()) {
            Live.exec("import array\ntry:\n    import ctypes\nexcept ImportError:\n    ctypes = None");
            if ("True".equals(evalString("ctypes is not None"))) exporters.putAll(CTYPES);
        }
        List<Arguments> all = new ArrayList<>();
        exporters.forEach((label, setup) -> FLAGS.forEach((flagName, flags) ->
                all.add(Arguments.of(label, flagName, setup, flags))));
        return all.stream();
    }

    /** Runs {@code setup} and binds its exporter and storage to {@code _bk_x<suffix>} and {@code _bk_s<suffix>}. */
    private static long make(String setup, String suffix) {
        Live.exec(setup + "\n_bk_x" + suffix + ", _bk_s" + suffix + " = _x, _s\ndel _x, _s");
        return Live.eval("_bk_x" + suffix);
    }

    private static void forget(String suffix) {
        Live.exec("del _bk_x" + suffix + ", _bk_s" + suffix);
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cases")
    void agreesWithCPython(String label, String flagName, String setup, int flags) {
        String what = label + " with " + flagName;
        try (var g = Live.gil(); Oracle oracle = new Oracle(); Natives n = new Natives()) {
            long x = make(setup, "");
            try {
                long ref0 = Live.refcount(x);
                PythonException refused = BufferKit.getBufferError(x, flags);
                if (refused != null) {
                    PythonException e = assertThrows(PythonException.class, () -> PROTOCOL.acquire(x, flags), what);
                    assertEquals(refused.pythonType(), e.pythonType(), what);
                    assertEquals(refused.pythonMessage(), e.pythonMessage(), what);
                    assertEquals(ref0, Live.refcount(x), what + ": a refused request holds nothing");
                    return;
                }
                long cview = n.alloc(PyBufferView.SIZE);
                assertEquals(0, PY.PyObject_GetBuffer(x, cview, flags));
                try (AcquiredBuffer b = PROTOCOL.acquire(x, flags)) {
                    if (ref0 < (1L << 28)) assertEquals(ref0 + 2, Live.refcount(x), what + ": each view holds a reference");
                    sameFields(b, cview, what);
                    likeMemoryview(b, flags, what);
                    BufferKit.compareReads(oracle, b.address(), what);
                    sameAsPyBuffers(b, what);
                    tobytes(b, what);
                    if (b.readonly()) {
                        refusesWrites(b, what);
                    }
                } finally {
                    PY.PyBuffer_Release(cview);
                }
                assertEquals(ref0, Live.refcount(x), what + ": released");
                if ((flags & BufferFlags.WRITABLE) != 0 || BufferKit.getBufferError(x, flags | BufferFlags.WRITABLE) == null) {
                    writes(setup, flags, oracle, what);
                }
            } finally {
                PY.Py_DecRef(x);
                forget("");
            }
        }
    }

    /** Every field is what {@code PyObject_GetBuffer} itself fills in for the same request. */
    private static void sameFields(AcquiredBuffer b, long cview, String what) {
        PyBufferView f = Live.VIEWS.buffer();
        assertEquals(f.buf(cview), b.buf(), what + ": buf");
        assertEquals(f.obj(cview), b.exporter(), what + ": obj");
        assertEquals(f.len(cview), b.len(), what + ": len");
        assertEquals(f.itemsize(cview), b.itemsize(), what + ": itemsize");
        assertEquals(f.readonly(cview), b.readonly(), what + ": readonly");
        assertEquals(f.ndim(cview), b.ndim(), what + ": ndim");
        assertEquals(f.format(cview), b.format(), what + ": format");
        assertArrayEquals(readLongs(f.shapeArray(cview), f.ndim(cview)), b.shape(), what + ": shape");
        assertArrayEquals(readLongs(f.stridesArray(cview), f.ndim(cview)), b.strides(), what + ": strides");
        assertArrayEquals(readLongs(f.suboffsetsArray(cview), f.ndim(cview)), b.suboffsets(), what + ": suboffsets");
    }

    /** The fields against {@code memoryview(exporter)}'s attributes, as far as the request asked for them. */
    private static void likeMemoryview(AcquiredBuffer b, int flags, String what) {
        Live.exec("_bk_mv = memoryview(_bk_x)");
        try {
            assertEquals(Long.parseLong(evalString("_bk_mv.nbytes")), b.len(), what + ": len vs nbytes");
            assertEquals(Long.parseLong(evalString("_bk_mv.itemsize")), b.itemsize(), what + ": itemsize");
            assertEquals(Boolean.parseBoolean(evalString("_bk_mv.readonly")), b.readonly(), what + ": readonly");
            assertNull(b.suboffsets(), what + ": suboffsets");
            assertEquals(0, evalLongs("_bk_mv.suboffsets").length, what + ": a direct buffer");
            long mv = PY.PyMemoryView_FromObject(b.exporter());
            assertNotEquals(0, mv);
            try {
                assertEquals(Live.VIEWS.buffer().buf(Live.VIEWS.memoryview().view(mv)), b.buf(), what + ": buf");
            } finally {
                PY.Py_DecRef(mv);
            }
            if (b.shape() != null || b.ndim() == 0) {
                assertEquals(Integer.parseInt(evalString("_bk_mv.ndim")), b.ndim(), what + ": ndim");
                long[] shape = b.shape();
                assertArrayEquals(evalLongs("_bk_mv.shape"), shape == null ? new long[0] : shape, what + ": shape");
            } else {
                assertEquals(0, flags & BufferFlags.ND, what + ": ND asks for the shape");
                assertEquals(1, b.ndim(), what + ": no shape, one dimension");
            }
            if (b.strides() != null) {
                assertArrayEquals(evalLongs("_bk_mv.strides"), b.strides(), what + ": strides");
            } else {
                assertEquals("True", evalString("_bk_mv.c_contiguous"), what + ": no strides means C-contiguous");
                if ((flags & 0x10) != 0 && b.ndim() > 0) {
                    assertTrue(what.startsWith("ctypes"), what + ": STRIDES asks for the strides (only ctypes ignores it)");
                }
            }
            if ((flags & BufferFlags.FORMAT) != 0 || b.format() != null) {
                assertEquals(evalString("_bk_mv.format"), b.format(), what + ": format");
            }
            if ((flags & BufferFlags.ND) == BufferFlags.ND && b.strides() != null) {
                assertEquals(Boolean.parseBoolean(evalString("_bk_mv.c_contiguous")), b.isContiguous('C'), what + ": c_contiguous");
                assertEquals(Boolean.parseBoolean(evalString("_bk_mv.f_contiguous")), b.isContiguous('F'), what + ": f_contiguous");
                assertEquals(Boolean.parseBoolean(evalString("_bk_mv.contiguous")), b.isContiguous('A'), what + ": contiguous");
            }
        } finally {
            Live.exec("_bk_mv.release(); del _bk_mv");
        }
    }

    /** The AcquiredBuffer operations are the PyBuffers operations on its struct. */
    private static void sameAsPyBuffers(AcquiredBuffer b, String what) {
        long view = b.address();
        for (char order : ORDERS) {
            assertEquals(BUFFERS.isContiguous(view, order), b.isContiguous(order), what);
            assertArrayEquals(BUFFERS.toArray(view, order), b.toArray(order), what);
            List<Long> walked = new ArrayList<>();
            b.forEachElement(order, walked::add);
            List<Long> expected = new ArrayList<>();
            BUFFERS.forEachElement(view, order, expected::add);
            assertEquals(expected, walked, what);
        }
        long[] shape = BufferKit.logicalShape(view);
        BufferKit.forEachIndex(shape, 'C', idx -> assertEquals(BUFFERS.pointer(view, idx), b.pointer(idx), what));
    }

    /** {@code toArray(order)} is {@code memoryview(exporter).tobytes(order)} (flattened when the view has no shape). */
    private static void tobytes(AcquiredBuffer b, String what) {
        long x = b.exporter();
        long mv = PY.PyMemoryView_FromObject(x);
        assertNotEquals(0, mv);
        try {
            for (char order : ORDERS) {
                byte[] expected = BufferKit.tobytes(mv, b.shape() == null ? 'C' : order);
                assertArrayEquals(expected, b.toArray(order), what + ": tobytes('" + order + "')");
                try (Natives n = new Natives()) {
                    long dst = n.alloc(b.len());
                    b.copyTo(dst, b.len(), order);
                    assertArrayEquals(expected, read(dst, b.len()), what + ": copyTo('" + order + "')");
                }
            }
        } finally {
            PY.Py_DecRef(mv);
        }
    }

    private static void refusesWrites(AcquiredBuffer b, String what) {
        byte[] before = evalBytes("_bk_s");
        byte[] src = new byte[(int) b.len()];
        Arrays.fill(src, (byte) 0x5a);
        try (Natives n = new Natives()) {
            long s = n.bytes(src);
            for (char order : ORDERS) {
                assertThrows(IllegalStateException.class, () -> b.copyFrom(s, b.len(), order), what);
                assertThrows(IllegalStateException.class, () -> b.copyFrom(src, order), what);
            }
        }
        assertArrayEquals(before, evalBytes("_bk_s"), what + ": a read-only buffer is left alone");
    }

    /**
     * Writes into two identical fresh exporters — Java through one, {@code PyBuffer_FromContiguous} through the
     * other, the same request — full and shorter lengths in every order, and compares all their memory.
     */
    private static void writes(String setup, int requested, Oracle oracle, String what) {
        int flags = requested | BufferFlags.WRITABLE;
        Random random = new Random(what.hashCode());
        long x1 = make(setup, "1");
        long x2 = make(setup, "2");
        try (Natives n = new Natives(); AcquiredBuffer b = PROTOCOL.acquire(x1, flags)) {
            long cview = n.alloc(PyBufferView.SIZE);
            assertEquals(0, PY.PyObject_GetBuffer(x2, cview, flags));
            try {
                long strided = BufferKit.withStrides(n, cview);
                long len = b.len();
                long itemsize = b.itemsize();
                assertArrayEquals(evalBytes("_bk_s1"), evalBytes("_bk_s2"), what + ": twins");
                for (char order : ORDERS) {
                    // CPython dereferences strides unless the view is contiguous in this order
                    long target = oracle.isContiguous(cview, order) || MEM.getLong(cview + PyBufferView.STRIDES) != 0
                            || b.ndim() == 0 ? cview : strided;
                    Set<Long> lengths = new LinkedHashSet<>(List.of(len, len - itemsize, len - 1, len / 2, itemsize + 1, 0L));
                    for (long l : lengths) {
                        if (l < 0 || l > len) continue;
                        byte[] src = new byte[(int) len];
                        random.nextBytes(src);
                        long s = n.bytes(src);
                        b.copyFrom(s, l, order);
                        oracle.fromContiguous(target, src, l, order);
                        assertArrayEquals(evalBytes("_bk_s2"), evalBytes("_bk_s1"),
                                what + ": fromContiguous(" + l + " of " + len + " bytes, '" + order + "')");
                        if (l == len) {
                            assertArrayEquals(src, b.toArray(order), what + ": written in '" + order + "' order");
                        }
                    }
                    byte[] src = new byte[(int) len];
                    random.nextBytes(src);
                    b.copyFrom(src, order);
                    oracle.fromContiguous(target, src, len, order);
                    assertArrayEquals(evalBytes("_bk_s2"), evalBytes("_bk_s1"), what + ": fromArray('" + order + "')");
                    assertArrayEquals(src, b.toArray(order), what + ": fromArray('" + order + "') round trip");
                }
            } finally {
                PY.PyBuffer_Release(cview);
            }
        } finally {
            PY.Py_DecRef(x1);
            PY.Py_DecRef(x2);
            forget("1");
            forget("2");
        }
    }
}
