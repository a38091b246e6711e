package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.buffer.AcquiredBuffer;
import dev.serpentine.ffi.buffer.BufferFlags;
import dev.serpentine.ffi.tests.BufferKit.Natives;
import dev.serpentine.ffi.view.PyBufferView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.serpentine.ffi.tests.BufferKit.BUFFERS;
import static dev.serpentine.ffi.tests.BufferKit.MEM;
import static dev.serpentine.ffi.tests.BufferKit.ORDERS;
import static dev.serpentine.ffi.tests.BufferKit.PROTOCOL;
import static dev.serpentine.ffi.tests.BufferKit.PY;
import static dev.serpentine.ffi.tests.BufferKit.evalBytes;
import static dev.serpentine.ffi.tests.BufferKit.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every misuse is a clear Java exception and leaves memory, references and the Python error state as they were:
 * refused requests, wrong lengths, bad order letters, read-only targets, bad indices, strided windows, calls after
 * release, NULL addresses. None of them may reach CPython code that would crash the JVM.
 */
class BufferErrorsTest {

    private static final char[] BAD_ORDERS = {'X', 'c', 'f', 'a', '\0', ' ', 'Z'};

    /** The exporter's own error, exactly as {@code PyObject_GetBuffer} raises it for the same request. */
    private static void refusedLikeCPython(String expression, int flags, String type, String message) {
        try (var g = Live.gil()) {
            long x = Live.eval(expression);
            try {
                long ref0 = Live.refcount(x);
                PythonException expected = BufferKit.getBufferError(x, flags);
                assertNotNull(expected, expression + " must refuse " + flags);
                PythonException e = assertThrows(PythonException.class, () -> PROTOCOL.acquire(x, flags));
                assertEquals(type, e.pythonType());
                assertEquals(expected.pythonType(), e.pythonType());
                assertEquals(expected.pythonMessage(), e.pythonMessage());
                if (message != null) assertEquals(message, e.pythonMessage());
                assertEquals(0, PY.PyErr_Occurred(), "the Python error is taken, not left pending");
                assertEquals(ref0, Live.refcount(x), "a refused request holds no reference");
            } finally {
                PY.Py_DecRef(x);
            }
        }
    }

    @Test
    void writableRequestOnBytesIsTheExportersBufferError() {
        refusedLikeCPython("bytes(range(8))", BufferFlags.WRITABLE, "BufferError", "Object is not writable.");
        refusedLikeCPython("bytes(range(8))", BufferFlags.FULL, "BufferError", "Object is not writable.");
        refusedLikeCPython("bytes(range(8))", BufferFlags.CONTIG, "BufferError", "Object is not writable.");
        refusedLikeCPython("memoryview(b'abc')", BufferFlags.FULL, "BufferError", null);
    }

    @Test
    void objectsWithoutTheBufferProtocolAreATypeError() {
        refusedLikeCPython("12345", BufferFlags.FULL, "TypeError", "a bytes-like object is required, not 'int'");
        refusedLikeCPython("'text'", BufferFlags.FULL_RO, "TypeError", "a bytes-like object is required, not 'str'");
        refusedLikeCPython("object()", BufferFlags.SIMPLE, "TypeError", "a bytes-like object is required, not 'object'");
    }

    @Test
    void memoryviewsRefuseWhatTheirLayoutCannotGive() {
        String strided = "memoryview(bytearray(range(12)))[::2]";
        refusedLikeCPython(strided, BufferFlags.SIMPLE, "BufferError", null);
        refusedLikeCPython(strided, BufferFlags.ND, "BufferError", null);
        refusedLikeCPython(strided, BufferFlags.C_CONTIGUOUS, "BufferError", null);
        refusedLikeCPython(strided, BufferFlags.F_CONTIGUOUS, "BufferError", null);
        refusedLikeCPython(strided, BufferFlags.ANY_CONTIGUOUS, "BufferError", null);
        refusedLikeCPython("memoryview(bytearray(range(12))).cast('B', [3, 4])", BufferFlags.F_CONTIGUOUS, "BufferError", null);
        refusedLikeCPython("memoryview(bytearray(range(12))).cast('h')", BufferFlags.FORMAT, "BufferError", null);
        refusedLikeCPython("(lambda m: (m.release(), m)[1])(memoryview(b'abc'))", BufferFlags.SIMPLE, "ValueError",
                "operation forbidden on released memoryview object");
    }

    @Test
    void acquiringFromNullIsRefusedBeforeCPythonSeesIt() {
        try (var g = Live.gil()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PROTOCOL.acquire(0, BufferFlags.SIMPLE));
            assertTrue(e.getMessage().contains("NULL"), e.getMessage());
            assertEquals(0, PY.PyErr_Occurred());
        }
    }

    @Test
    void aNullPyBufferIsAnIllegalArgument() {
        try (var g = Live.gil(); Natives n = new Natives()) {
            long dst = n.alloc(8);
            List<Executable> calls = List.of(
                    () -> BUFFERS.isContiguous(0, 'C'),
                    () -> BUFFERS.pointer(0),
                    () -> BUFFERS.toContiguous(0, dst, 0, 'C'),
                    () -> BUFFERS.fromContiguous(0, dst, 0, 'C'),
                    () -> BUFFERS.toArray(0, 'C'),
                    () -> BUFFERS.fromArray(0, new byte[0], 'C'),
                    () -> BUFFERS.forEachElement(0, 'C', a -> { }));
            for (Executable call : calls) assertThrows(IllegalArgumentException.class, call);
        }
    }

    @Test
    void malformedStructsAreIllegalArguments() {
        try (var g = Live.gil(); Natives n = new Natives()) {
            long data = n.alloc(64);
            long shape = n.longs(2, 4);
            long badShape = n.longs(2, -4);
            long strides = n.longs(4, 1);
            long[][] structs = {
                    // ndim, len, shape, strides
                    {65, 8, shape, strides},
                    {-1, 8, shape, strides},
                    {2, -8, shape, strides},
                    {2, 8, badShape, strides},
                    {2, 4, shape, strides}, // len disagrees with shape × itemsize: loops would overrun
            };
            for (long[] f : structs) {
                long view = n.alloc(PyBufferView.SIZE);
                MEM.putLong(view + PyBufferView.BUF, data);
                MEM.putLong(view + PyBufferView.LEN, f[1]);
                MEM.putLong(view + PyBufferView.ITEMSIZE, 1);
                MEM.putInt(view + PyBufferView.NDIM, (int) f[0]);
                MEM.putLong(view + PyBufferView.SHAPE, f[2]);
                MEM.putLong(view + PyBufferView.STRIDES, f[3]);
                String what = Arrays.toString(f);
                for (Executable call : List.<Executable>of(
                        () -> BUFFERS.isContiguous(view, 'C'),
                        () -> BUFFERS.pointer(view, 0, 0),
                        () -> BUFFERS.toArray(view, 'F'),
                        () -> BUFFERS.fromContiguous(view, data, 0, 'C'),
                        () -> BUFFERS.forEachElement(view, 'C', a -> { throw new AssertionError(what + ": visited"); }))) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, what);
                    assertTrue(e.getMessage().contains("not a Py_buffer"), e.getMessage());
                }
            }
        }
    }

    @Test
    void wrongLengthsAreIllegalArgumentsAndTouchNothing() {
        try (var g = Live.gil(); Natives n = new Natives()) {
            Live.exec("_bk_err = bytearray(range(24)); _bk_err_mv = memoryview(_bk_err).cast('h', [3, 4])[::-2]");
            long[] exporters = {Live.eval("_bk_err"), Live.eval("_bk_err_mv")};
            try {
                for (long x : exporters) {
                    try (AcquiredBuffer b = PROTOCOL.acquire(x, BufferFlags.FULL)) {
                        long len = b.len();
                        byte[] before = evalBytes("_bk_err");
                        long dst = n.alloc(len + 16);
                        MEM.fill(dst, len + 16, (byte) 0x55);
                        byte[] sentinel = read(dst, len + 16);
                        long src = n.alloc(len + 16);
                        MEM.fill(src, len + 16, (byte) 0x77);
                        for (char order : ORDERS) {
                            for (long wrong : new long[]{len + 1, len - 1, 0, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
                                assertThrows(IllegalArgumentException.class, () -> b.copyTo(dst, wrong, order), "toContiguous " + wrong);
                                assertThrows(IllegalArgumentException.class, () -> BUFFERS.toContiguous(b.address(), dst, wrong, order));
                            }
                            for (long wrong : new long[]{len + 1, -1, Long.MIN_VALUE, Long.MAX_VALUE}) {
                                assertThrows(IllegalArgumentException.class, () -> b.copyFrom(src, wrong, order), "fromContiguous " + wrong);
                                assertThrows(IllegalArgumentException.class, () -> BUFFERS.fromContiguous(b.address(), src, wrong, order));
                            }
                            for (int wrong : new int[]{(int) len + 1, (int) len - 1, 0}) {
                                assertThrows(IllegalArgumentException.class, () -> b.copyFrom(new byte[wrong], order), "fromArray " + wrong);
                            }
                        }
                        assertArrayEquals(sentinel, read(dst, len + 16), "nothing written to the destination");
                        assertArrayEquals(before, evalBytes("_bk_err"), "nothing written to the buffer");
                    }
                }
            } finally {
                for (long x : exporters) PY.Py_DecRef(x);
                Live.exec("_bk_err_mv.release(); del _bk_err, _bk_err_mv");
            }
        }
    }

    /** Every operation of one view with every bad order letter; the visitor is never called. */
    private static void badOrders(long view, String what) {
        try (Natives n = new Natives()) {
            long len = MEM.getLong(view + PyBufferView.LEN);
            long dst = n.alloc(len);
            long src = n.alloc(len);
            byte[] array = new byte[(int) len];
            for (char bad : BAD_ORDERS) {
                String w = what + " with order '" + bad + "'";
                List<Executable> calls = List.of(
                        () -> BUFFERS.isContiguous(view, bad),
                        () -> BUFFERS.toContiguous(view, dst, len, bad),
                        () -> BUFFERS.fromContiguous(view, src, len, bad),
                        () -> BUFFERS.toArray(view, bad),
                        () -> BUFFERS.fromArray(view, array, bad),
                        () -> BUFFERS.forEachElement(view, bad, a -> { throw new AssertionError(w + ": visited"); }));
                for (int i = 0; i < calls.size(); i++) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, calls.get(i), w + ", call " + i);
                    assertTrue(e.getMessage().contains("order"), e.getMessage());
                }
            }
        }
    }

    @Test
    void badOrderLettersAreIllegalArgumentsForEveryLayout() {
        String[] exporters = {"bytearray(range(24))", "bytearray()", "memoryview(bytearray(range(24)))[::-3]",
                "memoryview(bytearray(range(24))).cast('h', [3, 4])", "memoryview(bytearray(b'x')).cast('B', [])"};
        try (var g = Live.gil()) {
            for (String expression : exporters) {
                long x = Live.eval(expression);
                try (AcquiredBuffer b = PROTOCOL.acquire(x, BufferFlags.FULL)) {
                    badOrders(b.address(), expression);
                    byte[] before = b.toArray('C');
                    for (char bad : BAD_ORDERS) {
                        assertThrows(IllegalArgumentException.class, () -> b.isContiguous(bad));
                        assertThrows(IllegalArgumentException.class, () -> b.toArray(bad));
                        assertThrows(IllegalArgumentException.class, () -> b.copyFrom(new byte[(int) b.len()], bad));
                        assertThrows(IllegalArgumentException.class, () -> b.forEachElement(bad, a -> { }));
                    }
                    assertArrayEquals(before, b.toArray('C'), expression + ": unchanged");
                } finally {
                    PY.Py_DecRef(x);
                }
            }
        }
    }

    @Test
    void badOrderLettersAreIllegalArgumentsForIndirectBuffers() {
        BufferLayout pil = BufferLayout.of("PIL rows", 2, new long[]{3, 4}, new long[]{8, 2}, new long[]{0, -1});
        try (var g = Live.gil(); Natives n = new Natives()) {
            BufferLayout.Instance in = pil.allocate(n, false);
            byte[][] before = in.snapshot();
            badOrders(in.view, pil.name);
            byte[][] after = in.snapshot();
            for (int i = 0; i < before.length; i++) assertArrayEquals(before[i], after[i]);
        }
    }

    @Test
    void readOnlyTargetsAreIllegalStates() {
        try (var g = Live.gil(); Natives n = new Natives()) {
            Live.exec("_bk_ro = bytes(range(24))");
            long x = Live.eval("_bk_ro");
            try (AcquiredBuffer b = PROTOCOL.acquire(x, BufferFlags.FULL_RO)) {
                assertTrue(b.readonly());
                long src = n.alloc(b.len());
                MEM.fill(src, b.len(), (byte) 0x33);
                for (char order : ORDERS) {
                    for (long l : new long[]{b.len(), 1, 0}) {
                        assertThrows(IllegalStateException.class, () -> b.copyFrom(src, l, order));
                        assertThrows(IllegalStateException.class, () -> BUFFERS.fromContiguous(b.address(), src, l, order));
                    }
                    assertThrows(IllegalStateException.class, () -> b.copyFrom(new byte[(int) b.len()], order));
                    assertThrows(IllegalStateException.class, () -> BUFFERS.fromArray(b.address(), new byte[(int) b.len()], order));
                }
                assertArrayEquals(evalBytes("range(24)"), evalBytes("_bk_ro"), "bytes are immutable");
            } finally {
                PY.Py_DecRef(x);
                Live.exec("del _bk_ro");
            }
            // a hand-built read-only struct, strided and indirect
            for (BufferLayout layout : List.of(
                    BufferLayout.of("strided", 2, new long[]{3, 4}, new long[]{-20, 4}, null),
                    BufferLayout.of("indirect", 4, new long[]{2, 3}, new long[]{8, 4}, new long[]{0, -1}))) {
                BufferLayout.Instance in = layout.allocate(n, true);
                byte[][] before = in.snapshot();
                long src = n.alloc(layout.len);
                for (char order : ORDERS) {
                    assertThrows(IllegalStateException.class, () -> BUFFERS.fromContiguous(in.view, src, layout.len, order));
                    assertThrows(IllegalStateException.class, () -> BUFFERS.fromArray(in.view, new byte[(int) layout.len], order));
                }
                byte[][] after = in.snapshot();
                for (int i = 0; i < before.length; i++) assertArrayEquals(before[i], after[i], layout.name);
            }
        }
    }

    @Test
    void indicesMustBeOnePerDimensionAndInRange() {
        try (var g = Live.gil()) {
            long x = Live.eval("memoryview(bytearray(range(24))).cast('B', [2, 3, 4])[::-1]");
            long zero = Live.eval("memoryview(bytearray(b'q')).cast('B', [])");
            try (AcquiredBuffer b = PROTOCOL.acquire(x, BufferFlags.FULL_RO);
                 AcquiredBuffer z = PROTOCOL.acquire(zero, BufferFlags.FULL_RO)) {
                long[][] bad = {{}, {0}, {0, 0}, {0, 0, 0, 0}, {2, 0, 0}, {-1, 0, 0}, {0, 3, 0}, {0, -1, 0},
                        {0, 0, 4}, {0, 0, -1}, {Long.MAX_VALUE, 0, 0}, {0, 0, Long.MIN_VALUE}};
                for (long[] idx : bad) {
                    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> b.pointer(idx),
                            Arrays.toString(idx));
                    assertNotNull(e.getMessage());
                }
                // [::-1] of shape [2, 3, 4]: strides [-12, 4, 1], buf at the original's row 1
                assertArrayEquals(new long[]{-12, 4, 1}, b.strides());
                assertEquals(b.buf() - 12 + 1, b.pointer(1, 0, 1));
                assertEquals(b.buf() + 2 * 4 + 3, b.pointer(0, 2, 3));
                assertEquals(z.buf(), z.pointer());
                assertThrows(IndexOutOfBoundsException.class, () -> z.pointer(0));
            } finally {
                PY.Py_DecRef(x);
                PY.Py_DecRef(zero);
            }
        }
    }

    @Test
    void windowsOfStridedBuffersAreRefused() {
        try (var g = Live.gil()) {
            long x = Live.eval("memoryview(bytearray(range(24)))[::2]");
            try (AcquiredBuffer b = PROTOCOL.acquire(x, BufferFlags.FULL)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, b::asByteBuffer);
                assertTrue(e.getMessage().contains("toArray"), e.getMessage());
                assertThrows(IllegalStateException.class, () -> b.as(ByteBuffer.class));
            } finally {
                PY.Py_DecRef(x);
            }
        }
    }

    @Test
    void everyCallAfterCloseIsAnIllegalState() {
        try (var g = Live.gil(); Natives n = new Natives()) {
            long x = Live.eval("bytearray(range(16))");
            try {
                long ref0 = Live.refcount(x);
                AcquiredBuffer b = PROTOCOL.acquire(x, BufferFlags.FULL);
                long dst = n.alloc(16);
                b.close();
                assertEquals(ref0, Live.refcount(x));
                List<Executable> calls = new ArrayList<>(List.of(
                        b::address, b::exporter, b::buf, b::len, b::itemsize, b::readonly, b::ndim, b::format, b::shape,
                        b::strides, b::suboffsets, () -> b.isContiguous('C'), () -> b.pointer(0),
                        () -> b.copyTo(dst, 16, 'C'), () -> b.copyFrom(dst, 16, 'C'), () -> b.toArray('C'),
                        () -> b.copyFrom(new byte[16], 'C'), () -> b.forEachElement('C', a -> { }), b::asByteBuffer,
                        () -> b.as(ByteBuffer.class)));
                for (int i = 0; i < calls.size(); i++) {
                    IllegalStateException e = assertThrows(IllegalStateException.class, calls.get(i), "call " + i);
                    assertTrue(e.getMessage().contains("released"), e.getMessage());
                }
                assertDoesNotThrow(b::close, "close is idempotent");
                assertDoesNotThrow(b::close);
                assertEquals(ref0, Live.refcount(x), "released once, not once per close");
            } finally {
                PY.Py_DecRef(x);
            }
        }
    }
}
