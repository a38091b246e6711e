package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.PyBufferView;
import dev.serpentine.ffi.view.PyManagedBufferView;
import dev.serpentine.ffi.view.PyMemoryViewView;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.StringJoiner;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PyMemoryViewView}, {@link PyManagedBufferView} and {@link PyBufferView} against {@code PyObject_GetBuffer},
 * {@code PyBuffer_GetPointer}, {@code PyBuffer_IsContiguous} and the memoryview's Python attributes, over slices with
 * steps, casts to 0–4 dimensions, reversed views, {@code array.array}s of every item size, read-only and writable
 * exporters.
 */
class MemoryViewTest {

    private static final PyMemoryViewView MV = Live.VIEWS.memoryview();
    private static final PyManagedBufferView MB = Live.VIEWS.managedBuffer();
    private static final PyBufferView BUF = Live.VIEWS.buffer();

    private static final String SETUP = "import array as _mv_array, random as _mv_random\n"
            + "def _mv_cases():\n"
            + "    rnd = _mv_random.Random(99)\n"
            + "    out = []\n"
            + "    for n in (0, 1, 2, 3, 10, 64, 100, 1000, 4099):\n"
            + "        b = bytes(rnd.getrandbits(8) for _ in range(n))\n"
            + "        out.append(memoryview(b))\n"
            + "        out.append(memoryview(bytearray(b)))\n"
            + "    base = memoryview(bytes(range(256)))\n"
            + "    wbase = memoryview(bytearray(range(256)))\n"
            + "    for _ in range(200):\n"
            + "        start = rnd.choice([None, rnd.randrange(-300, 300)])\n"
            + "        stop = rnd.choice([None, rnd.randrange(-300, 300)])\n"
            + "        step = rnd.choice([None, 1, 2, 3, 5, 17, 255, -1, -2, -7, -100])\n"
            + "        out.append((base if rnd.random() < 0.5 else wbase)[start:stop:step])\n"
            + "    out += [base[::-1], wbase[::-1], base[::2][::3], base[::-3][5:50:4], base[10:10], base[300:],\n"
            + "            memoryview(base), memoryview(base[::2]), memoryview(wbase[::-5])]\n"
            + "    for shape in ([24], [2, 12], [4, 6], [1, 24], [24, 1], [2, 3, 4], [2, 2, 2, 3], [3, 8], [6, 4]):\n"
            + "        out.append(memoryview(bytes(range(24))).cast('B', shape))\n"
            + "        out.append(memoryview(bytearray(range(24))).cast('b', shape))\n"
            + "        out.append(memoryview(bytes(range(24))).cast('c', shape))\n"
            + "    for fmt, shape in (('i', [2, 3]), ('h', [3, 4]), ('d', [3]), ('q', [3, 1]), ('f', [6]), ('H', [12]),\n"
            + "                       ('I', [3, 2]), ('Q', [1, 3]), ('L', [3]), ('l', [1, 1, 3])):\n"
            + "        out.append(memoryview(bytes(range(24))).cast(fmt, shape))\n"
            + "        out.append(memoryview(bytearray(range(24))).cast(fmt, shape))\n"
            + "    grid = memoryview(bytes(range(24))).cast('B', [4, 6])\n"
            + "    out += [grid[::-1], grid[1:3], grid[::2], grid[::-3], grid[4:], grid.cast('B'),\n"
            + "            memoryview(bytes(range(24))).cast('B', [2, 3, 4])[::-1]]\n"
            + "    out += [memoryview(b'x').cast('B', []), memoryview(bytearray(8)).cast('d', []),\n"
            + "            memoryview(bytes(4)).cast('i', []), memoryview(bytes(2)).cast('h', [])]\n"
            + "    for tc in 'bBhHiIlLqQfd':\n"
            + "        for n in (0, 1, 7, 100):\n"
            + "            a = _mv_array.array(tc, [float(i) if tc in 'fd' else i % 100 for i in range(n)])\n"
            + "            out += [memoryview(a), memoryview(a)[::2], memoryview(a)[::-3], memoryview(a).cast('B')]\n"
            + "        out.append(memoryview(_mv_array.array(tc, [1] * 12 if tc not in 'fd' else [1.5] * 12)).cast('B').cast(tc, [3, 4]))\n"
            + "    return out\n";

    /** The memoryview as Python describes it; compared with {@link #described} built from memory. */
    private static final String ATTRIBUTES = "lambda m: '%d|%d|%d|%r|%r|%r|%d|%s|%d|%d|%d' % (m.nbytes, m.itemsize,"
            + " m.ndim, m.shape, m.strides, m.suboffsets, m.readonly, m.format, m.c_contiguous, m.f_contiguous,"
            + " m.contiguous)";

    @Test
    void everyFieldMatchesGetBufferAndPythonAttributes() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            long list = owned.eval("_mv_cases()");
            long attributes = owned.add(Oracle.function(ATTRIBUTES));
            long obj = owned.add(Oracle.function("lambda m: m.obj"));
            long tobytes = owned.add(Oracle.function("lambda m: m.tobytes().hex()"));
            long rootBytes = owned.add(Oracle.function("lambda m: memoryview(m.obj).nbytes"));
            long[] views = Oracle.items(list);
            assertTrue(views.length > 400, views.length + " cases");
            int[] dims = new int[5];
            for (long mv : views) {
                long exporter = Oracle.call(obj, mv);
                try {
                    String pyAttributes = Oracle.callText(attributes, mv);
                    String pyBytes = Oracle.callText(tobytes, mv);
                    long pyRootBytes = Oracle.callLong(rootBytes, mv);
                    var refs = Oracle.RefCounts.of(mv, exporter);
                    assertEquals(mv, MV.checked(mv));
                    assertFalse(MV.isReleased(mv));
                    long view = MV.view(mv);
                    assertEquals(view, BUF.checked(view));
                    int ndim = BUF.ndim(view);
                    dims[Math.min(ndim, 4)]++;

                    assertEquals(pyAttributes, described(mv), "memoryview attributes");
                    assertEquals(exporter, BUF.obj(view), "view.obj is memoryview.obj");

                    assertEquals(0L, MV.exports(mv));
                    try (var held = Oracle.HeldBuffer.get(mv, Oracle.PyBUF_FULL_RO)) {
                        assertEquals(1L, MV.exports(mv), "one export held");
                        try (var second = Oracle.HeldBuffer.get(mv, Oracle.PyBUF_RECORDS_RO)) {
                            assertEquals(2L, MV.exports(mv), "two exports held");
                            assertEquals(held.buf(), second.buf());
                        }
                        assertEquals(1L, MV.exports(mv), "one export released");
                        assertEquals(mv, held.obj(), "PyObject_GetBuffer's obj is the memoryview");
                        assertEquals(held.buf(), BUF.buf(view));
                        assertEquals(held.len(), BUF.len(view));
                        assertEquals(held.itemsize(), BUF.itemsize(view));
                        assertEquals(held.readonly() != 0, BUF.readonly(view));
                        assertEquals(held.ndim(), ndim);
                        assertEquals(held.format(), Live.MEM.getLong(view + PyBufferView.FORMAT));
                        assertEquals(held.formatText(), BUF.format(view));
                        assertEquals(held.shape(), BUF.shapeArray(view));
                        assertEquals(held.strides(), BUF.stridesArray(view));
                        assertEquals(held.suboffsets(), BUF.suboffsetsArray(view));
                        assertEquals(0L, BUF.suboffsetsArray(view), "no PIL-style suboffsets");
                        assertEquals(0, MV.flags(mv) & PyMemoryViewView.PIL);
                        if (ndim > 0) {
                            assertEquals(MV.array(mv), BUF.shapeArray(view), "shape lives in ob_array");
                            assertEquals(MV.array(mv) + 8L * ndim, BUF.stridesArray(view), "strides follow shape");
                        }
                        int flags = MV.flags(mv);
                        if (held.len() > 0) {
                            // (PyBuffer_IsContiguous calls every empty buffer contiguous; the flags do not)
                            assertEquals(PY.PyBuffer_IsContiguous(held.address, (byte) 'C') != 0,
                                    (flags & PyMemoryViewView.C) != 0, () -> "C flag vs PyBuffer_IsContiguous: " + Live.repr(mv));
                            assertEquals(PY.PyBuffer_IsContiguous(held.address, (byte) 'F') != 0,
                                    (flags & PyMemoryViewView.FORTRAN) != 0, () -> "FORTRAN flag vs PyBuffer_IsContiguous");
                        }
                        assertEquals(ndim == 0, (flags & PyMemoryViewView.SCALAR) != 0, "SCALAR flag");
                        assertElementAddresses(held, view);
                        assertBufferViewReads(held);

                        long mbuf = MV.mbuf(mv);
                        assertEquals(mbuf, MB.checked(mbuf));
                        assertTrue(MB.exports(mbuf) >= 1, "the managed buffer counts this memoryview");
                        assertEquals(0, MB.flags(mbuf) & PyManagedBufferView.RELEASED);
                        long master = MB.master(mbuf);
                        assertEquals(exporter, BUF.obj(master), "mbuf->master.obj is the exporter");
                        assertEquals(pyRootBytes, BUF.len(master), "master.len");
                        try (var root = Oracle.HeldBuffer.get(exporter, Oracle.PyBUF_SIMPLE)) {
                            assertEquals(root.buf(), BUF.buf(master), "master.buf is the exporter's buffer");
                        }
                        assertAddressesInside(held, BUF.buf(master), BUF.len(master));
                    }
                    assertEquals(0L, MV.exports(mv), "export released");
                    assertEquals(pyBytes, HexFormat.of().formatHex(gather(mv)), "tobytes()");
                    refs.assertUnchanged();
                } finally {
                    Oracle.decref(exporter);
                }
            }
            for (int d = 0; d < 5; d++) assertTrue(dims[d] > 0, "no memoryview with " + d + " dimensions");
        }
    }

    @Test
    void readOnlyViewsCacheTheirHash() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            long list = owned.eval("_mv_cases()");
            long hashable = owned.add(Oracle.function("lambda m: int(m.readonly and m.format in ('B', 'b', 'c'))"));
            long pyHash = owned.add(Oracle.function("lambda m: hash(m)"));
            long bytesHash = owned.add(Oracle.function("lambda m: hash(m.tobytes())"));
            long tryHash = owned.add(Oracle.function("lambda m: type(m).__hash__(m)"));
            int hashed = 0;
            for (long mv : Oracle.items(list)) {
                var refs = Oracle.RefCounts.of(mv);
                assertEquals(-1L, MV.hash(mv), "not hashed yet");
                if (Oracle.callLong(hashable, mv) == 1) {
                    long h = Oracle.callLong(pyHash, mv);
                    assertEquals(h, MV.hash(mv), "hash cached");
                    assertEquals(Oracle.callLong(bytesHash, mv), MV.hash(mv), "hash(m) == hash(m.tobytes())");
                    hashed++;
                } else {
                    assertThrows(dev.serpentine.ffi.PythonException.class, () -> Oracle.call(tryHash, mv));
                    assertEquals(-1L, MV.hash(mv), "an unhashable view caches nothing");
                }
                refs.assertUnchanged();
            }
            assertTrue(hashed > 100, hashed + " hashable views");
        }
    }

    @Test
    void managedBufferCountsTheViewsAndReleaseSetsTheFlags() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long valueError = Oracle.exceptionType("ValueError");
            long release = owned.add(Oracle.function("lambda m: m.release()"));
            long slice = owned.add(Oracle.function("lambda m, i: m[i::i + 1]"));
            long nbytes = owned.add(Oracle.function("lambda m: m.nbytes"));
            for (String exporterExpr : new String[] {"bytes(range(100))", "bytearray(range(100))",
                    "__import__('array').array('i', range(25))", "b''", "bytearray()"}) {
                long exporter = owned.eval(exporterExpr);
                var exporterRefs = Oracle.RefCounts.of(exporter);
                long mv = PY.PyMemoryView_FromObject(exporter);
                var refs = Oracle.RefCounts.of(mv);
                long mbuf = MV.mbuf(mv);
                assertEquals(mbuf, MB.checked(mbuf));
                assertEquals(1L, MB.exports(mbuf));
                long[] slices = new long[6];
                for (int i = 0; i < slices.length; i++) {
                    long index = owned.add(PY.PyLong_FromLongLong(i));
                    slices[i] = Oracle.call(slice, mv, index);
                    assertEquals(mbuf, MV.mbuf(slices[i]), "a slice shares the managed buffer");
                    assertEquals(2L + i, MB.exports(mbuf));
                }
                long again = PY.PyMemoryView_FromObject(mv);
                assertEquals(mbuf, MV.mbuf(again), "memoryview(mv) shares the managed buffer");
                assertEquals(8L, MB.exports(mbuf));
                assertEquals(0L, MV.exports(mv), "memoryview(mv) does not export from mv itself");

                // a view with an export held cannot be released
                try (var held = Oracle.HeldBuffer.get(mv, Oracle.PyBUF_FULL_RO)) {
                    assertEquals(1L, MV.exports(mv));
                    assertThrows(dev.serpentine.ffi.PythonException.class, () -> Oracle.call(release, mv));
                    assertFalse(MV.isReleased(mv));
                }
                assertEquals(0L, MV.exports(mv));

                for (int i = 0; i < slices.length; i++) {
                    Oracle.decref(Oracle.call(release, slices[i]));
                    assertTrue(MV.isReleased(slices[i]));
                    assertEquals(PyMemoryViewView.RELEASED, MV.flags(slices[i]) & PyMemoryViewView.RELEASED);
                    assertEquals(7L - i, MB.exports(mbuf));
                    assertThrows(dev.serpentine.ffi.PythonException.class, () -> Oracle.call(nbytes, slices[0]),
                            "a released view has no nbytes");
                }
                Oracle.decref(Oracle.call(release, again));
                assertEquals(1L, MB.exports(mbuf));
                assertEquals(0, MB.flags(mbuf) & PyManagedBufferView.RELEASED, "still used by mv");
                assertFalse(MV.isReleased(mv));
                Oracle.decref(Oracle.call(release, mv));
                assertTrue(MV.isReleased(mv));
                assertEquals(0L, MB.exports(mbuf));
                assertEquals(PyManagedBufferView.RELEASED, MB.flags(mbuf) & PyManagedBufferView.RELEASED,
                        "the last view released the managed buffer");
                long buffer = Oracle.calloc(80);
                try {
                    assertEquals(-1, PY.PyObject_GetBuffer(mv, buffer, Oracle.PyBUF_FULL_RO));
                    Oracle.takeError(valueError, "a released memoryview exports nothing");
                } finally {
                    Oracle.free(buffer);
                }
                refs.assertUnchanged();
                Oracle.decref(slices);
                Oracle.decref(again, mv);
                exporterRefs.assertUnchanged();
            }
        }
    }

    @Test
    void readOnlyFollowsTheExporter() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long list = owned.eval("[memoryview(x)[::s] for x in (bytes(50), bytearray(50), memoryview(bytes(50)),"
                    + " memoryview(bytearray(50)), __import__('array').array('b', bytes(50)),"
                    + " memoryview(bytearray(50)).toreadonly()) for s in (1, 2, -1, 7)]");
            long readonly = owned.add(Oracle.function("lambda m: int(m.readonly)"));
            long bufferError = Oracle.exceptionType("BufferError");
            int writable = 0;
            for (long mv : Oracle.items(list)) {
                long expected = Oracle.callLong(readonly, mv);
                assertEquals(expected != 0, BUF.readonly(MV.view(mv)));
                if (expected == 0) {
                    writable++;
                    try (var held = Oracle.HeldBuffer.get(mv, Oracle.PyBUF_FULL_RO | 1 /* PyBUF_WRITABLE */)) {
                        assertEquals(0, held.readonly());
                    }
                } else {
                    long buffer = Oracle.calloc(80);
                    try {
                        assertEquals(-1, PY.PyObject_GetBuffer(mv, buffer, Oracle.PyBUF_FULL_RO | 1));
                        Oracle.takeError(bufferError, "a writable buffer of a read-only memoryview");
                    } finally {
                        Oracle.free(buffer);
                    }
                }
            }
            assertEquals(12, writable);
        }
    }

    @Test
    void bufferViewReadsStructsFilledByPyBufferFillInfo() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long bufferError = Oracle.exceptionType("BufferError");
            for (int n : new int[] {0, 1, 7, 100, 4096}) {
                long exporter = owned.add(PY.PyBytes_FromStringAndSize(0, n));
                var refs = Oracle.RefCounts.of(exporter);
                for (int flags : new int[] {Oracle.PyBUF_SIMPLE, Oracle.PyBUF_RECORDS_RO, Oracle.PyBUF_FULL_RO}) {
                    for (int readonly : new int[] {0, 1}) {
                        long view = Oracle.calloc(80);
                        try {
                            long data = PY.PyBytes_AsString(exporter);
                            assertEquals(0, PY.PyBuffer_FillInfo(view, exporter, data, n, readonly, flags));
                            assertEquals(view, BUF.checked(view));
                            assertEquals(data, BUF.buf(view));
                            assertEquals(exporter, BUF.obj(view));
                            assertEquals(n, BUF.len(view));
                            assertEquals(1L, BUF.itemsize(view));
                            assertEquals(readonly != 0, BUF.readonly(view));
                            assertEquals(1, BUF.ndim(view));
                            assertEquals((flags & 4) != 0 ? "B" : null, BUF.format(view), "format only on request");
                            assertEquals((flags & 8) != 0 ? view + PyBufferView.LEN : 0L, BUF.shapeArray(view),
                                    "FillInfo points shape at len");
                            assertEquals((flags & 0x10) != 0 ? view + PyBufferView.ITEMSIZE : 0L, BUF.stridesArray(view),
                                    "FillInfo points strides at itemsize");
                            if ((flags & 8) != 0) assertEquals(n, BUF.shape(view, 0));
                            if ((flags & 0x10) != 0) assertEquals(1L, BUF.stride(view, 0));
                            assertEquals(0L, BUF.suboffsetsArray(view));
                            assertEquals(0L, BUF.internal(view));
                            assertBufferViewReads(view);
                        } finally {
                            PY.PyBuffer_Release(view);
                            Oracle.free(view);
                        }
                    }
                }
                // a writable request for a read-only buffer is refused and fills nothing
                long view = Oracle.calloc(80);
                try {
                    assertEquals(-1, PY.PyBuffer_FillInfo(view, exporter, PY.PyBytes_AsString(exporter), n, 1, 1));
                    Oracle.takeError(bufferError, "PyBuffer_FillInfo(PyBUF_WRITABLE) of a read-only buffer");
                    assertEquals(0L, BUF.obj(view));
                } finally {
                    Oracle.free(view);
                }
                refs.assertUnchanged();
            }
        }
    }

    /** Every {@link PyBufferView} reader against the C offsets of a struct CPython filled. */
    private static void assertBufferViewReads(Oracle.HeldBuffer held) {
        assertBufferViewReads(held.address);
    }

    private static void assertBufferViewReads(long view) {
        var m = Live.MEM;
        assertEquals(m.getLong(view), BUF.buf(view));
        assertEquals(m.getLong(view + 8), BUF.obj(view));
        assertEquals(m.getLong(view + 16), BUF.len(view));
        assertEquals(m.getLong(view + 24), BUF.itemsize(view));
        assertEquals(m.getInt(view + 32) != 0, BUF.readonly(view));
        assertEquals(m.getInt(view + 36), BUF.ndim(view));
        long format = m.getLong(view + 40);
        assertEquals(format == 0 ? null : dev.serpentine.ffi.binding.CStrings.read(m, format), BUF.format(view));
        assertEquals(m.getLong(view + 48), BUF.shapeArray(view));
        assertEquals(m.getLong(view + 56), BUF.stridesArray(view));
        assertEquals(m.getLong(view + 64), BUF.suboffsetsArray(view));
        assertEquals(m.getLong(view + 72), BUF.internal(view));
    }

    /** The memoryview described from memory, in the format of {@link #ATTRIBUTES}. */
    private static String described(long mv) {
        long view = MV.view(mv);
        int ndim = BUF.ndim(view);
        long[] shape = new long[ndim];
        long[] strides = new long[ndim];
        for (int d = 0; d < ndim; d++) {
            shape[d] = BUF.shape(view, d);
            strides[d] = BUF.stride(view, d);
        }
        String format = BUF.format(view);
        int flags = MV.flags(mv);
        int c = (flags & PyMemoryViewView.C) != 0 ? 1 : 0;
        int f = (flags & PyMemoryViewView.FORTRAN) != 0 ? 1 : 0;
        return BUF.len(view) + "|" + BUF.itemsize(view) + "|" + ndim + "|" + tuple(shape) + "|" + tuple(strides)
                + "|()|" + (BUF.readonly(view) ? 1 : 0) + "|" + (format == null ? "B" : format) + "|" + c + "|" + f
                + "|" + (c | f);
    }

    private static String tuple(long[] values) {
        if (values.length == 1) return "(" + values[0] + ",)";
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (long v : values) j.add(Long.toString(v));
        return j.toString();
    }

    /** Every element's address, as {@code buf + Σ index·stride} from the view, against {@code PyBuffer_GetPointer}. */
    private static void assertElementAddresses(Oracle.HeldBuffer held, long view) {
        int ndim = BUF.ndim(view);
        long[] shape = new long[ndim];
        long total = 1;
        for (int d = 0; d < ndim; d++) {
            shape[d] = BUF.shape(view, d);
            total *= shape[d];
        }
        long indices = Oracle.calloc(8L * Math.max(1, ndim));
        try {
            long step = Math.max(1, total / 300);
            for (long flat = 0; flat < total; flat += step) {
                long rest = flat;
                long expected = BUF.buf(view);
                for (int d = ndim - 1; d >= 0; d--) {
                    long idx = rest % shape[d];
                    rest /= shape[d];
                    Live.MEM.putLong(indices + 8L * d, idx);
                    expected += idx * BUF.stride(view, d);
                }
                assertEquals(PY.PyBuffer_GetPointer(held.address, indices), expected, "element " + flat);
            }
        } finally {
            Oracle.free(indices);
        }
    }

    /** Every element lies inside the exporter's buffer. */
    private static void assertAddressesInside(Oracle.HeldBuffer held, long start, long length) {
        int ndim = held.ndim();
        long total = 1;
        long lowest = held.buf();
        long highest = held.buf();
        for (int d = 0; d < ndim; d++) {
            long n = Live.MEM.getLong(held.shape() + 8L * d);
            long s = Live.MEM.getLong(held.strides() + 8L * d);
            total *= n;
            if (n > 0) {
                if (s < 0) lowest += (n - 1) * s;
                else highest += (n - 1) * s;
            }
        }
        if (total == 0) return;
        assertTrue(lowest >= start, "first element before the exporter's buffer");
        assertTrue(highest + held.itemsize() <= start + length, "last element after the exporter's buffer");
    }

    /** The logical bytes in C order, gathered from memory through shape, strides, buf and itemsize. */
    private static byte[] gather(long mv) {
        long view = MV.view(mv);
        int ndim = BUF.ndim(view);
        long itemsize = BUF.itemsize(view);
        long total = 1;
        for (int d = 0; d < ndim; d++) total *= BUF.shape(view, d);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] item = new byte[(int) itemsize];
        for (long flat = 0; flat < total; flat++) {
            long rest = flat;
            long address = BUF.buf(view);
            for (int d = ndim - 1; d >= 0; d--) {
                long n = BUF.shape(view, d);
                address += (rest % n) * BUF.stride(view, d);
                rest /= n;
            }
            Live.MEM.copyToArray(address, item, 0, item.length);
            out.writeBytes(item);
        }
        return out.toByteArray();
    }
}
