package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.PyBytesView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PyBytesView} against {@code PyBytes_AsString}/{@code PyBytes_Size}, {@code bytes.hex()} and {@code hash()}. */
class BytesViewTest {

    private static final PyBytesView B = Live.VIEWS.bytes();

    @Test
    void bytesMadeFromJavaArraysReadBackExactly() {
        Random rnd = new Random(0xB7E5L);
        List<byte[]> arrays = new ArrayList<>();
        for (int n : new int[] {0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 255, 256, 257, 1000, 4096, 65537, 1 << 20}) {
            arrays.add(randomBytes(rnd, n));
        }
        for (int i = 0; i < 300; i++) arrays.add(randomBytes(rnd, rnd.nextInt(3000)));
        arrays.add(new byte[1000]); // all NULs: the size is not found by strlen

        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long isExact = owned.add(Oracle.function("lambda b: int(type(b) is bytes)"));
            long pyHash = owned.add(Oracle.function("hash"));
            long[] objects = new long[arrays.size()];
            for (int i = 0; i < objects.length; i++) {
                byte[] a = arrays.get(i);
                long p = Oracle.nativeCopy(a);
                try {
                    objects[i] = owned.add(PY.PyBytes_FromStringAndSize(p, a.length));
                } finally {
                    Oracle.free(p);
                }
            }
            for (int i = 0; i < objects.length; i++) {
                long o = objects[i];
                byte[] expected = arrays.get(i);
                boolean exact = Oracle.callLong(isExact, o) == 1;
                var refs = Oracle.RefCounts.of(o);
                assertMatchesCApi(o, expected);
                assertEquals(exact, B.isExact(o));
                if (expected.length > 1) {
                    // a fresh bytes object has not been hashed; 0- and 1-byte ones are shared singletons
                    assertEquals(-1L, B.hash(o), "hash of a fresh bytes object is not cached yet");
                }
                long h = PY.PyObject_Hash(o);
                assertEquals(h, B.hash(o), "cached hash after PyObject_Hash");
                refs.assertUnchanged();
                assertEquals(h, Oracle.callLong(pyHash, o), "hash() from Python");
            }
        }
    }

    @Test
    void bytesMadeByPythonMatchTheirHex() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec("import random as _bv_random\n"
                    + "_bv_rnd = _bv_random.Random(20240611)\n"
                    + "class _BvBytes(bytes):\n"
                    + "    pass\n");
            long list = owned.eval("[bytes(range(i % 256)) * (i % 5) for i in range(400)]"
                    + " + [bytes(_bv_rnd.getrandbits(8) for _ in range(_bv_rnd.randrange(0, 5000))) for _ in range(100)]"
                    + " + [b'\\x00' * n for n in (0, 1, 2, 100, 10000)]"
                    + " + [str(i).encode() * 3 for i in range(0, 100000, 997)]"
                    + " + [b'', b'a', b'\\xff', bytes(1 << 16)]"
                    + " + [_BvBytes(bytes(range(i % 256)) * 2) for i in range(0, 600, 7)]"
                    + " + [_BvBytes(), _BvBytes(b'x')]");
            long hex = owned.add(Oracle.function("lambda b: b.hex()"));
            long isExact = owned.add(Oracle.function("lambda b: int(type(b) is bytes)"));
            long pyHash = owned.add(Oracle.function("hash"));
            long[] objects = Oracle.items(list);
            int subclasses = 0;
            for (long o : objects) {
                byte[] expected = HexFormat.of().parseHex(Oracle.callText(hex, o));
                boolean exact = Oracle.callLong(isExact, o) == 1;
                var refs = Oracle.RefCounts.of(o);
                assertMatchesCApi(o, expected);
                assertEquals(exact, B.isExact(o));
                if (!exact) subclasses++;
                if (expected.length > 1) assertEquals(-1L, B.hash(o), "hash not cached before hash()");
                refs.assertUnchanged();
                long h = Oracle.callLong(pyHash, o);
                assertEquals(h, B.hash(o), "hash cached by hash()");
            }
            assertEquals(88, subclasses);
        }
    }

    private static void assertMatchesCApi(long o, byte[] expected) {
        assertEquals(o, B.checked(o));
        long size = PY.PyBytes_Size(o);
        assertEquals(expected.length, size);
        assertEquals(size, B.size(o));
        long data = PY.PyBytes_AsString(o);
        assertTrue(data != 0);
        assertEquals(data, B.data(o), "PyBytes_AS_STRING");
        assertEquals(0, Live.MEM.getByte(B.data(o) + size), "NUL after the last byte");
        assertArrayEquals(expected, B.toArray(o));
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
