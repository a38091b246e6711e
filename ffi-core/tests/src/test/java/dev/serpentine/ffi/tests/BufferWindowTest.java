package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.buffer.AcquiredBuffer;
import dev.serpentine.ffi.buffer.BufferFlags;
import dev.serpentine.ffi.tests.BufferKit.Natives;
import dev.serpentine.ffi.view.PyBufferView;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.serpentine.ffi.tests.BufferKit.MEM;
import static dev.serpentine.ffi.tests.BufferKit.PROTOCOL;
import static dev.serpentine.ffi.tests.BufferKit.PY;
import static dev.serpentine.ffi.tests.BufferKit.evalBytes;
import static dev.serpentine.ffi.tests.BufferKit.evalString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ByteBuffer} and {@code MemorySegment} windows on contiguous buffers, FFM only: the buffer's own memory (no
 * copy), read-only when the buffer is, writes seen by Python, accesses after release throwing. JNA cannot revoke a
 * window, so it hands out none (a late read would crash the JVM, issue 8 item 8). The module compiles for Java 17, so
 * the FFM API is reached by reflection.
 */
class BufferWindowTest {

    private static final boolean FFM = "ffm".equals(PY.backendName());
    private static final Class<?> SEGMENT = foreign("java.lang.foreign.MemorySegment");

    private static Class<?> foreign(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Contiguous exporters: C order, 0-dim, empty, and a length-1 view with a negative stride. */
    private static final Map<String, String> CONTIGUOUS = new LinkedHashMap<>();

    static {
        CONTIGUOUS.put("bytes", "bytes(range(50))");
        CONTIGUOUS.put("bytearray", "bytearray(range(100, 140))");
        CONTIGUOUS.put("array d", "__import__('array').array('d', [1.5, -2.25, 1e100])");
        CONTIGUOUS.put("cast h [3,4]", "memoryview(bytearray(range(24))).cast('h', [3, 4])");
        CONTIGUOUS.put("cast B [2,3] of bytes", "memoryview(bytes(range(6))).cast('B', [2, 3])");
        CONTIGUOUS.put("0-dim", "memoryview(bytearray(b'\\x2a')).cast('B', [])");
        CONTIGUOUS.put("empty bytes", "b''");
        CONTIGUOUS.put("empty bytearray", "bytearray()");
        CONTIGUOUS.put("mv[3:2:-1]", "memoryview(bytearray(range(10)))[3:2:-1]");
    }

    @Test
    void byteBuffersAreTheBuffersMemory() {
        assumeTrue(FFM, "JNA hands out no window: jnaHandsOutNoWindow");
        try (var g = Live.gil()) {
            for (Map.Entry<String, String> e : CONTIGUOUS.entrySet()) {
                String what = e.getKey();
                long x = Live.eval(e.getValue());
                try (AcquiredBuffer b = PROTOCOL.acquire(x, BufferFlags.FULL_RO)) {
                    ByteBuffer bb = b.asByteBuffer();
                    ByteBuffer bb2 = b.as(ByteBuffer.class);
                    long mv = PY.PyMemoryView_FromObject(x);
                    byte[] expected;
                    try {
                        expected = BufferKit.tobytes(mv, 'A');
                    } finally {
                        PY.Py_DecRef(mv);
                    }
                    for (ByteBuffer w : new ByteBuffer[]{bb, bb2}) {
                        assertEquals(b.len(), w.capacity(), what);
                        assertEquals(b.len(), w.remaining(), what);
                        assertEquals(b.readonly(), w.isReadOnly(), what);
                        assertTrue(w.isDirect(), what + ": a window, not a copy");
                        byte[] got = new byte[w.remaining()];
                        w.duplicate().get(got);
                        assertArrayEquals(expected, got, what + ": tobytes('A')");
                        assertArrayEquals(b.toArray('C'), got, what);
                    }
                } finally {
                    PY.Py_DecRef(x);
                }
            }
        }
    }

    @Test
    void bytesAreReadOnlyAndBytearraysWriteThrough() {
        assumeTrue(FFM, "JNA hands out no window: jnaHandsOutNoWindow");
        try (var g = Live.gil()) {
            Live.exec("_bk_w = bytearray(range(16)); _bk_ro = bytes(range(16)); _bk_arr = __import__('array').array('h', [0] * 4)");
            long w = Live.eval("_bk_w");
            long ro = Live.eval("_bk_ro");
            long arr = Live.eval("_bk_arr");
            try (AcquiredBuffer bw = PROTOCOL.acquire(w, BufferFlags.FULL);
                 AcquiredBuffer bro = PROTOCOL.acquire(ro, BufferFlags.FULL_RO);
                 AcquiredBuffer barr = PROTOCOL.acquire(arr, BufferFlags.SIMPLE)) {
                ByteBuffer writable = bw.asByteBuffer();
                assertFalse(writable.isReadOnly());
                writable.put(3, (byte) 0x7f);
                writable.put(15, (byte) -1);
                assertEquals("127 255", evalString("' '.join(map(str, (_bk_w[3], _bk_w[15])))"));
                Live.exec("_bk_w[0] = 200");
                assertEquals((byte) 200, writable.get(0), "Python's writes are seen through the window");

                ByteBuffer readOnly = bro.asByteBuffer();
                assertTrue(readOnly.isReadOnly());
                assertThrows(ReadOnlyBufferException.class, () -> readOnly.put(0, (byte) 1));
                assertThrows(ReadOnlyBufferException.class, () -> readOnly.duplicate().put(new byte[4]));
                assertArrayEquals(evalBytes("range(16)"), evalBytes("_bk_ro"));

                ByteBuffer shorts = barr.asByteBuffer().order(ByteOrder.nativeOrder());
                shorts.putShort(2, (short) -2);
                shorts.putShort(6, (short) 12345);
                assertEquals("[0, -2, 0, 12345]", evalString("list(_bk_arr)"));
            } finally {
                PY.Py_DecRef(w);
                PY.Py_DecRef(ro);
                PY.Py_DecRef(arr);
                Live.exec("del _bk_w, _bk_ro, _bk_arr");
            }
        }
    }

    @Test
    void fortranContiguousBuffersHaveAWindowAndStridedOnesNone() {
        try (var g = Live.gil(); Natives n = new Natives()) {
            // a Fortran-ordered int16 [3, 4] exported through a memoryview over a hand-filled Py_buffer
            BufferLayout fortran = BufferLayout.of("Fortran int16[3,4]", 2, new long[]{3, 4}, new long[]{2, 6}, null);
            BufferLayout strided = BufferLayout.of("strided", 2, new long[]{3, 4}, new long[]{2, 8}, null);
            for (BufferLayout layout : new BufferLayout[]{fortran, strided}) {
                BufferLayout.Instance in = layout.allocate(n, false);
                long mv = PY.PyMemoryView_FromBuffer(in.view);
                assertTrue(mv != 0);
                try (AcquiredBuffer b = PROTOCOL.acquire(mv, BufferFlags.FULL)) {
                    assertArrayEquals(layout.strides, b.strides());
                    if (layout == fortran) {
                        assertFalse(b.isContiguous('C'));
                        assertTrue(b.isContiguous('F'));
                        if (!FFM) {
                            assertThrows(UnsupportedOperationException.class, b::asByteBuffer);
                            continue;
                        }
                        ByteBuffer bb = b.asByteBuffer();
                        byte[] got = new byte[bb.remaining()];
                        bb.get(got);
                        assertArrayEquals(BufferKit.tobytes(mv, 'F'), got, "memory order is Fortran order");
                        assertArrayEquals(BufferKit.read(MEM.getLong(in.view + PyBufferView.BUF), layout.len), got);
                        if (SEGMENT != null && FFM) assertEquals(layout.len, (long) call(b.as(SEGMENT), "byteSize"));
                    } else {
                        assertThrows(IllegalStateException.class, b::asByteBuffer);
                        if (SEGMENT != null) assertThrows(IllegalStateException.class, () -> b.as(SEGMENT));
                    }
                } finally {
                    PY.Py_DecRef(mv);
                }
            }
        }
    }

    // --- MemorySegment -------------------------------------------------------------------------------------

    private static Object call(Object target, String name, Object... args) {
        try {
            for (Method m : SEGMENT.getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == args.length && matches(m, args)) {
                    return m.invoke(target, args);
                }
            }
            throw new AssertionError("no MemorySegment." + name + " for " + args.length + " arguments");
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException) throw (RuntimeException) e.getCause();
            throw new AssertionError(e.getCause());
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean matches(Method m, Object[] args) {
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < args.length; i++) {
            Class<?> t = types[i].isPrimitive() ? boxed(types[i]) : types[i];
            if (!t.isInstance(args[i])) return false;
        }
        return true;
    }

    private static Class<?> boxed(Class<?> primitive) {
        if (primitive == long.class) return Long.class;
        if (primitive == byte.class) return Byte.class;
        if (primitive == int.class) return Integer.class;
        return Object.class;
    }

    private static Object javaByte() {
        try {
            return Class.forName("java.lang.foreign.ValueLayout").getField("JAVA_BYTE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void memorySegmentWindowsFollowTheBackend() {
        if (FFM) {
            ffmSegmentsDieAtClose();
        } else {
            jnaHandsOutNoWindow();
        }
    }

    /** FFM: a MemorySegment (and ByteBuffers) over the buffer's memory whose accesses after close throw. */
    private static void ffmSegmentsDieAtClose() {
        assertNotNull(SEGMENT, "the FFM backend runs on Java 22+, which has java.lang.foreign");
        Object javaByte = javaByte();
        try (var g = Live.gil()) {
            Live.exec("_bk_w = bytearray(range(32)); _bk_ro = bytes(range(7, 39))");
            long w = Live.eval("_bk_w");
            long ro = Live.eval("_bk_ro");
            try {
                AcquiredBuffer bw = PROTOCOL.acquire(w, BufferFlags.FULL);
                AcquiredBuffer bro = PROTOCOL.acquire(ro, BufferFlags.FULL_RO);
                Object seg = bw.as(SEGMENT);
                Object roSeg = bro.as(SEGMENT);
                ByteBuffer bb = bw.asByteBuffer();
                ByteBuffer roBb = bro.asByteBuffer();
                assertInstanceOf(SEGMENT, seg);
                assertEquals(bw.len(), (long) call(seg, "byteSize"));
                assertEquals(bw.buf(), (long) call(seg, "address"), "the buffer's memory, not a copy");
                assertEquals(false, call(seg, "isReadOnly"));
                assertEquals(true, call(roSeg, "isReadOnly"));
                assertArrayEquals(evalBytes("_bk_w"), (byte[]) call(seg, "toArray", javaByte));
                assertArrayEquals(evalBytes("_bk_ro"), (byte[]) call(roSeg, "toArray", javaByte));
                call(seg, "set", javaByte, 5L, (byte) 0x55);
                assertEquals("85", evalString("_bk_w[5]"));
                assertThrows(RuntimeException.class, () -> call(roSeg, "set", javaByte, 0L, (byte) 1));
                assertEquals("7", evalString("_bk_ro[0]"));
                assertThrows(IndexOutOfBoundsException.class, () -> call(seg, "get", javaByte, 32L), "bounded by len");

                bw.close();
                bro.close();
                assertEquals(0, Live.VIEWS.bytearray().exports(w));
                assertThrows(IllegalStateException.class, () -> call(seg, "get", javaByte, 0L));
                assertThrows(IllegalStateException.class, () -> call(seg, "toArray", javaByte));
                assertThrows(IllegalStateException.class, () -> call(seg, "set", javaByte, 0L, (byte) 1));
                assertThrows(IllegalStateException.class, () -> call(roSeg, "get", javaByte, 0L));
                assertThrows(IllegalStateException.class, () -> bb.get(0), "the ByteBuffer dies with the segment");
                assertThrows(IllegalStateException.class, () -> bb.put(0, (byte) 1));
                assertThrows(IllegalStateException.class, () -> roBb.get(0));
                assertArrayEquals(evalBytes("_bk_ro"), evalBytes("range(7, 39)"));
                assertEquals("0", evalString("_bk_w[0]"), "nothing written after close");
            } finally {
                PY.Py_DecRef(w);
                PY.Py_DecRef(ro);
                Live.exec("del _bk_w, _bk_ro");
            }
        }
    }

    /**
     * JNA: no window of any type — a ByteBuffer over the exporter's memory could not be revoked at release — and a
     * message that says what to do instead; the buffer stays usable through copies.
     */
    private static void jnaHandsOutNoWindow() {
        try (var g = Live.gil()) {
            long x = Live.eval("bytearray(range(8))");
            try (AcquiredBuffer b = PROTOCOL.acquire(x, BufferFlags.FULL)) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, b::asByteBuffer);
                assertTrue(e.getMessage().contains("FFM") && e.getMessage().contains("toArray"), e.getMessage());
                assertThrows(UnsupportedOperationException.class, () -> b.as(ByteBuffer.class));
                if (SEGMENT != null) assertThrows(UnsupportedOperationException.class, () -> b.as(SEGMENT));
                assertArrayEquals(new byte[]{0, 1, 2, 3, 4, 5, 6, 7}, b.toArray('C'), "copies still work");
            } finally {
                PY.Py_DecRef(x);
            }
        }
    }

    @Test
    void otherWindowTypesAreUnsupported() {
        try (var g = Live.gil()) {
            long x = Live.eval("bytes(4)");
            try (AcquiredBuffer b = PROTOCOL.acquire(x, BufferFlags.SIMPLE)) {
                assertThrows(UnsupportedOperationException.class, () -> b.as(String.class));
                assertThrows(UnsupportedOperationException.class, () -> b.as(byte[].class));
                if (FFM) assertEquals(4, b.asByteBuffer().capacity());
            } finally {
                PY.Py_DecRef(x);
            }
        }
    }
}
