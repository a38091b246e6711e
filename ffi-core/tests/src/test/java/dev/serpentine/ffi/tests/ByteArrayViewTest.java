package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.PyByteArrayView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PyByteArrayView} against {@code PyByteArray_AsString}/{@code PyByteArray_Size}, {@code bytearray.hex()},
 * {@code bytearray.__alloc__()} and {@code PyObject_GetBuffer}.
 */
class ByteArrayViewTest {

    private static final PyByteArrayView BA = Live.VIEWS.bytearray();

    @Test
    void manyBytearraysMatchTheCApi() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec("import random as _ba_random\n"
                    + "_ba_rnd = _ba_random.Random(77)\n"
                    + "class _BaSub(bytearray):\n"
                    + "    pass\n"
                    + "def _ba_grown(n):\n"
                    + "    ba = bytearray()\n"
                    + "    for i in range(n):\n"
                    + "        ba.append(i * 7 % 256)\n"
                    + "    return ba\n"
                    + "def _ba_cleared(n):\n"
                    + "    ba = bytearray(n)\n"
                    + "    ba.clear()\n"
                    + "    return ba\n"
                    + "def _ba_cut(n, k):\n"
                    + "    ba = bytearray(bytes(i * 13 % 256 for i in range(n)))\n"
                    + "    del ba[:k]\n"
                    + "    return ba\n"
                    + "def _ba_mid(n, k):\n"
                    + "    ba = bytearray(bytes(i % 251 for i in range(n)))\n"
                    + "    del ba[n // 3:n // 3 + k]\n"
                    + "    return ba\n");
            long list = owned.eval("[bytearray(bytes(_ba_rnd.getrandbits(8) for _ in range(_ba_rnd.randrange(0, 3000))))"
                    + " for _ in range(150)]"
                    + " + [bytearray(n) for n in (0, 1, 2, 15, 16, 17, 255, 256, 65536)]"
                    + " + [bytearray(), bytearray(b''), bytearray(b'\\x00'), bytearray(b'abc')]"
                    + " + [_ba_grown(n) for n in range(0, 2000, 37)]"
                    + " + [_ba_cleared(n) for n in (1, 10, 1000)]"
                    + " + [_ba_cut(n, k) for n in (10, 100, 1000) for k in range(0, n + 1, max(1, n // 20))]"
                    + " + [_ba_mid(n, k) for n in (30, 300) for k in range(0, n // 2, 7)]"
                    + " + [_BaSub(bytes(range(i % 256))) for i in range(0, 500, 9)] + [_BaSub()]");
            long hex = owned.add(Oracle.function("lambda b: b.hex()"));
            long alloc = owned.add(Oracle.function("lambda b: b.__alloc__()"));
            for (long o : Oracle.items(list)) {
                byte[] expected = HexFormat.of().parseHex(Oracle.callText(hex, o));
                long allocated = Oracle.callLong(alloc, o);
                var refs = Oracle.RefCounts.of(o);
                assertMatchesCApi(o, expected, allocated);
                assertEquals(0L, BA.exports(o), "no buffer exported");
                refs.assertUnchanged();
            }
        }
    }

    @Test
    void deletingAPrefixMovesTheStartAheadOfTheAllocation() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec("def _ba_prefix_cut(k):\n"
                    + "    ba = bytearray(bytes(range(200)))\n"
                    + "    before = ba.__alloc__()\n"
                    + "    del ba[:k]\n"
                    + "    return ba, before\n");
            long alloc = owned.add(Oracle.function("lambda b: b.__alloc__()"));
            int ahead = 0;
            for (int k = 0; k <= 200; k++) {
                long pair = owned.eval("_ba_prefix_cut(" + k + ")");
                long ba = PY.PyTuple_GetItem(pair, 0);
                long allocBefore = Oracle.asLong(PY.PyTuple_GetItem(pair, 1));
                long allocAfter = Oracle.callLong(alloc, ba);
                var refs = Oracle.RefCounts.of(ba);
                byte[] expected = new byte[200 - k];
                for (int i = 0; i < expected.length; i++) expected[i] = (byte) (k + i);
                assertMatchesCApi(ba, expected, allocAfter);
                long offset = BA.data(ba) - BA.allocation(ba);
                if (expected.length == 0) {
                    assertEquals(0L, BA.size(ba));
                } else if (allocAfter == allocBefore) {
                    // the buffer was kept: CPython only advanced ob_start
                    assertEquals(k, offset, "ob_start - ob_bytes after del ba[:" + k + "]");
                    if (k > 0) ahead++;
                } else {
                    assertEquals(0L, offset, "a reallocated buffer starts at ob_bytes");
                }
                refs.assertUnchanged();
            }
            assertTrue(ahead >= 50, "only " + ahead + " cuts kept ob_start ahead of ob_bytes");
        }
    }

    @Test
    void emptyBytearraysHaveNoBuffer() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            List<Long> empties = new ArrayList<>();
            empties.add(owned.add(PY.PyByteArray_FromStringAndSize(0, 0)));
            for (int i = 0; i < 20; i++) empties.add(owned.eval("bytearray()"));
            empties.add(owned.eval("bytearray(b'')"));
            empties.add(owned.eval("bytearray(0)"));
            empties.add(owned.eval("bytearray([])"));
            long alloc = owned.add(Oracle.function("lambda b: b.__alloc__()"));
            for (long o : empties) assertEquals(0L, Oracle.callLong(alloc, o), "__alloc__() of an empty bytearray");
            var refs = Oracle.RefCounts.of(empties);
            for (long o : empties) {
                assertEquals(o, BA.checked(o));
                assertEquals(0L, PY.PyByteArray_Size(o));
                assertEquals(0L, BA.size(o));
                assertEquals(0L, BA.allocated(o));
                assertEquals(0L, BA.allocation(o), "ob_bytes of an empty bytearray");
                assertEquals(0L, BA.data(o), "ob_start of an empty bytearray");
                // the C-API hides the missing buffer behind a static empty string
                assertTrue(PY.PyByteArray_AsString(o) != 0);
                assertArrayEquals(new byte[0], BA.toArray(o));
                assertEquals(0L, BA.exports(o));
            }
            refs.assertUnchanged();
        }
    }

    @Test
    void exportsCountHeldBuffersAndBlockResizing() {
        Random rnd = new Random(4242);
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long bufferError = Oracle.exceptionType("BufferError");
            for (int n : new int[] {0, 1, 2, 10, 100, 1000, 5000, 17, 33, 64}) {
                byte[] data = new byte[n];
                rnd.nextBytes(data);
                long p = Oracle.nativeCopy(data);
                long ba;
                try {
                    ba = owned.add(PY.PyByteArray_FromStringAndSize(p, n));
                } finally {
                    Oracle.free(p);
                }
                var refs = Oracle.RefCounts.of(ba);
                assertEquals(0L, BA.exports(ba));
                try (var simple = Oracle.HeldBuffer.get(ba, Oracle.PyBUF_SIMPLE)) {
                    assertEquals(1L, BA.exports(ba), "one buffer held");
                    assertEquals(ba, simple.obj());
                    assertEquals(n, simple.len());
                    assertEquals(BA.size(ba), simple.len());
                    assertEquals(n == 0 ? PY.PyByteArray_AsString(ba) : BA.data(ba), simple.buf());
                    assertEquals(0, simple.readonly());
                    assertEquals(1L, simple.itemsize());
                    assertEquals(0L, simple.format(), "PyBUF_SIMPLE asks for no format");
                    try (var full = Oracle.HeldBuffer.get(ba, Oracle.PyBUF_FULL_RO)) {
                        assertEquals(2L, BA.exports(ba), "two buffers held");
                        assertEquals("B", full.formatText());
                        assertEquals(1, full.ndim());
                        assertEquals(n, Live.MEM.getLong(full.shape()));
                        assertEquals(simple.buf(), full.buf());

                        assertEquals(-1, PY.PyByteArray_Resize(ba, n + 10), "resizing an exported bytearray");
                        Oracle.takeError(bufferError, "PyByteArray_Resize while exported");
                        assertEquals(n, BA.size(ba));
                        assertEquals(2L, BA.exports(ba));
                        full.release();
                        assertEquals(1L, BA.exports(ba), "one buffer released");
                        assertEquals(-1, PY.PyByteArray_Resize(ba, n + 10), "still exported once");
                        Oracle.takeError(bufferError, "PyByteArray_Resize while exported once");
                    }
                    assertArrayEquals(data, BA.toArray(ba), "a failed resize keeps the data");
                    simple.release();
                    assertEquals(0L, BA.exports(ba), "every buffer released");
                }
                assertEquals(0, PY.PyByteArray_Resize(ba, n + 10), "resizing after release");
                assertEquals(n + 10L, PY.PyByteArray_Size(ba));
                assertEquals(n + 10L, BA.size(ba));
                assertEquals(PY.PyByteArray_AsString(ba), BA.data(ba));
                assertArrayEquals(data, Arrays.copyOf(BA.toArray(ba), n), "the old bytes survive the resize");
                assertEquals(0, PY.PyByteArray_Resize(ba, n / 2));
                assertEquals(n / 2L, BA.size(ba));
                assertArrayEquals(Arrays.copyOf(data, n / 2), BA.toArray(ba));

                long mv = owned.add(PY.PyMemoryView_FromObject(ba));
                assertEquals(1L, BA.exports(ba), "a memoryview holds one export");
                long mv2 = PY.PyMemoryView_FromObject(mv);
                assertEquals(1L, BA.exports(ba), "a memoryview of the memoryview shares the managed buffer");
                Oracle.decref(mv2);
                Oracle.decref(Oracle.call(owned.add(Oracle.function("lambda m: m.release()")), mv));
                assertEquals(0L, BA.exports(ba), "memoryview released");
                refs.assertUnchanged();
            }
        }
    }

    private static void assertMatchesCApi(long o, byte[] expected, long alloc) {
        assertEquals(o, BA.checked(o));
        long size = PY.PyByteArray_Size(o);
        assertEquals(expected.length, size);
        assertEquals(size, BA.size(o));
        assertEquals(alloc, BA.allocated(o), "ob_alloc vs __alloc__()");
        assertArrayEquals(expected, BA.toArray(o));
        if (alloc == 0) {
            assertEquals(0L, size);
            assertEquals(0L, BA.data(o));
            assertEquals(0L, BA.allocation(o));
            return;
        }
        long data = BA.data(o);
        long start = BA.allocation(o);
        assertTrue(start != 0);
        assertTrue(data >= start, "ob_start is not before ob_bytes");
        assertTrue(data - start + size < alloc, "data and its NUL lie inside the allocation");
        assertEquals(0, Live.MEM.getByte(data + size), "NUL after the last byte");
        if (size > 0) assertEquals(PY.PyByteArray_AsString(o), data, "PyByteArray_AS_STRING");
    }
}
