package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.buffer.AcquiredBuffer;
import dev.serpentine.ffi.buffer.BufferFlags;
import dev.serpentine.ffi.view.PyByteArrayView;
import dev.serpentine.ffi.view.PyMemoryViewView;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.serpentine.ffi.tests.BufferKit.PROTOCOL;
import static dev.serpentine.ffi.tests.BufferKit.PY;
import static dev.serpentine.ffi.tests.BufferKit.evalBytes;
import static dev.serpentine.ffi.tests.BufferKit.evalString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A held buffer pins its exporter — a bytearray cannot resize, a memoryview cannot be released — and
 * {@link AcquiredBuffer#close()} gives everything back on every path: export counts, reference counts, the
 * {@code Py_buffer} struct itself. A refused request holds nothing at all.
 */
class BufferReleaseTest {

    private static final PyByteArrayView BYTEARRAY = Live.VIEWS.bytearray();
    private static final PyMemoryViewView MEMORYVIEW = Live.VIEWS.memoryview();

    @Test
    void aHeldBytearrayCannotResizeAndCanAfterClose() {
        try (var g = Live.gil()) {
            Live.exec("_bk_rel = bytearray(range(10))");
            long ba = Live.eval("_bk_rel");
            try {
                long ref0 = Live.refcount(ba);
                assertEquals(0, BYTEARRAY.exports(ba));
                AcquiredBuffer b = PROTOCOL.acquire(ba, BufferFlags.FULL);
                try {
                    assertEquals(1, BYTEARRAY.exports(ba));
                    assertEquals(ref0 + 1, Live.refcount(ba));
                    assertEquals(-1, PY.PyByteArray_Resize(ba, 20));
                    PythonException resize = Live.INTERPRETER.error("PyByteArray_Resize");
                    assertEquals("BufferError", resize.pythonType());
                    PythonException append = assertThrows(PythonException.class, () -> Live.exec("_bk_rel.append(1)"));
                    assertEquals("BufferError", append.pythonType());
                    assertEquals(resize.pythonMessage(), append.pythonMessage());
                    assertThrows(PythonException.class, () -> Live.exec("del _bk_rel[:3]"));
                    assertEquals(10, PY.PyByteArray_Size(ba));
                    assertEquals(b.buf(), BYTEARRAY.data(ba), "the data stayed where the buffer points");
                    // writes in place are fine, and seen through the buffer
                    Live.exec("_bk_rel[0] = 99");
                    assertEquals(99, b.toArray('C')[0]);
                    try (AcquiredBuffer second = PROTOCOL.acquire(ba, BufferFlags.SIMPLE)) {
                        assertEquals(2, BYTEARRAY.exports(ba));
                        assertEquals(b.buf(), second.buf());
                    }
                    assertEquals(1, BYTEARRAY.exports(ba));
                } finally {
                    b.close();
                }
                assertEquals(0, BYTEARRAY.exports(ba));
                assertEquals(ref0, Live.refcount(ba));
                assertEquals(0, PY.PyByteArray_Resize(ba, 20));
                assertEquals(20, PY.PyByteArray_Size(ba));
                Live.exec("_bk_rel.append(7); del _bk_rel[:3]");
                assertEquals("18", evalString("len(_bk_rel)"));
                b.close();
                assertEquals(ref0, Live.refcount(ba), "a second close releases nothing");
            } finally {
                PY.Py_DecRef(ba);
                Live.exec("del _bk_rel");
            }
        }
    }

    @Test
    void aHeldMemoryviewCannotBeReleasedAndCanAfterClose() {
        try (var g = Live.gil()) {
            Live.exec("_bk_base = bytearray(range(12)); _bk_mv = memoryview(_bk_base)[::-2]");
            long mv = Live.eval("_bk_mv");
            long base = Live.eval("_bk_base");
            try {
                long ref0 = Live.refcount(mv);
                long baseRef0 = Live.refcount(base);
                assertEquals(0, MEMORYVIEW.exports(mv));
                assertEquals(1, BYTEARRAY.exports(base), "the memoryview's own export");
                try (AcquiredBuffer b = PROTOCOL.acquire(mv, BufferFlags.FULL_RO)) {
                    assertEquals(1, MEMORYVIEW.exports(mv));
                    assertEquals(1, BYTEARRAY.exports(base), "the memoryview re-exports its view");
                    assertEquals(ref0 + 1, Live.refcount(mv));
                    assertEquals(baseRef0, Live.refcount(base));
                    assertEquals(mv, b.exporter());
                    PythonException e = assertThrows(PythonException.class, () -> Live.exec("_bk_mv.release()"));
                    assertEquals("BufferError", e.pythonType());
                    assertTrue(e.pythonMessage().contains("exported"), e.pythonMessage());
                    assertFalse(MEMORYVIEW.isReleased(mv));
                    assertArrayEquals(evalBytes("_bk_mv"), b.toArray('C'));
                    try (AcquiredBuffer second = PROTOCOL.acquire(mv, BufferFlags.STRIDES)) {
                        assertEquals(2, MEMORYVIEW.exports(mv));
                        assertEquals(b.buf(), second.buf());
                    }
                    assertEquals(1, MEMORYVIEW.exports(mv));
                }
                assertEquals(0, MEMORYVIEW.exports(mv));
                assertEquals(ref0, Live.refcount(mv));
                Live.exec("_bk_mv.release()");
                assertTrue(MEMORYVIEW.isReleased(mv));
                assertEquals(0, BYTEARRAY.exports(base));
                Live.exec("_bk_base.append(1)");
                assertEquals(baseRef0 - 1, Live.refcount(base), "only the released memoryview's own reference is gone");
            } finally {
                PY.Py_DecRef(mv);
                PY.Py_DecRef(base);
                Live.exec("del _bk_base, _bk_mv");
            }
        }
    }

    @Test
    void aRefusedRequestHoldsNothing() {
        try (var g = Live.gil()) {
            Live.exec("_bk_base = bytearray(range(12)); _bk_mv = memoryview(_bk_base)[::3]; _bk_ro = bytes(range(5))");
            long mv = Live.eval("_bk_mv");
            long ro = Live.eval("_bk_ro");
            try {
                long mvRef = Live.refcount(mv);
                long roRef = Live.refcount(ro);
                for (int flags : new int[]{BufferFlags.SIMPLE, BufferFlags.ND, BufferFlags.C_CONTIGUOUS,
                        BufferFlags.F_CONTIGUOUS, BufferFlags.ANY_CONTIGUOUS}) {
                    assertThrows(PythonException.class, () -> PROTOCOL.acquire(mv, flags));
                    assertEquals(0, MEMORYVIEW.exports(mv));
                    assertEquals(mvRef, Live.refcount(mv));
                }
                for (int flags : new int[]{BufferFlags.WRITABLE, BufferFlags.FULL, BufferFlags.STRIDED, BufferFlags.CONTIG}) {
                    assertThrows(PythonException.class, () -> PROTOCOL.acquire(ro, flags));
                    assertEquals(roRef, Live.refcount(ro));
                }
                assertEquals(0, PY.PyErr_Occurred());
                Live.exec("_bk_mv.release()");
                Live.exec("_bk_base.append(1)");
            } finally {
                PY.Py_DecRef(mv);
                PY.Py_DecRef(ro);
                Live.exec("del _bk_base, _bk_mv, _bk_ro");
            }
        }
    }

    @Test
    void closeOnAnExceptionPathReleases() {
        try (var g = Live.gil()) {
            Live.exec("_bk_rel = bytearray(8)");
            long ba = Live.eval("_bk_rel");
            try {
                long ref0 = Live.refcount(ba);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                    try (AcquiredBuffer b = PROTOCOL.acquire(ba, BufferFlags.FULL)) {
                        assertEquals(1, BYTEARRAY.exports(ba));
                        b.toArray('Q');
                    }
                });
                assertTrue(e.getMessage().contains("order"));
                assertEquals(0, BYTEARRAY.exports(ba));
                assertEquals(ref0, Live.refcount(ba));
                Live.exec("_bk_rel.extend(b'more')");
            } finally {
                PY.Py_DecRef(ba);
                Live.exec("del _bk_rel");
            }
        }
    }

    @Test
    void referenceCountsOfEveryExporterAreRestored() {
        Map<String, String> exporters = new LinkedHashMap<>(BufferExportersTest.EXPORTERS);
        try (var g = Live.gil()) {
            Live.exec("import array");
            for (Map.Entry<String, String> e : exporters.entrySet()) {
                Live.exec(e.getValue() + "\n_bk_x, _bk_s = _x, _s\ndel _x, _s");
                long x = Live.eval("_bk_x");
                try {
                    long ref0 = Live.refcount(x);
                    for (int flags : new int[]{BufferFlags.FULL_RO, BufferFlags.STRIDES, BufferFlags.SIMPLE}) {
                        if (BufferKit.getBufferError(x, flags) != null) continue;
                        AcquiredBuffer b = PROTOCOL.acquire(x, flags);
                        AcquiredBuffer c = PROTOCOL.acquire(x, flags);
                        if (ref0 < (1L << 28)) assertEquals(ref0 + 2, Live.refcount(x), e.getKey());
                        c.close();
                        b.close();
                        b.close();
                        assertEquals(ref0, Live.refcount(x), e.getKey());
                    }
                } finally {
                    PY.Py_DecRef(x);
                    Live.exec("del _bk_x, _bk_s");
                }
            }
        }
    }

    private static void refuse(long readOnly) {
        try {
            PROTOCOL.acquire(readOnly, BufferFlags.WRITABLE).close();
            throw new AssertionError("bytes gave a writable buffer");
        } catch (PythonException expected) {
            assertEquals("BufferError", expected.pythonType());
        }
    }

    @Test
    void theStructIsFreedAtClose() {
        try (var g = Live.gil()) {
            Live.exec("import sys\n_bk_rel = bytearray(range(32))");
            long ba = Live.eval("_bk_rel");
            try {
                int cycles = 5000;
                // warm up, so that lazily created interpreter state does not count
                for (int i = 0; i < 100; i++) PROTOCOL.acquire(ba, BufferFlags.FULL).close();
                long before = Long.parseLong(evalString("sys.getallocatedblocks()"));
                for (int i = 0; i < cycles; i++) PROTOCOL.acquire(ba, BufferFlags.FULL).close();
                long after = Long.parseLong(evalString("sys.getallocatedblocks()"));
                assertTrue(after - before < cycles / 10,
                        "allocated blocks grew by " + (after - before) + " over " + cycles + " acquire/close cycles");
                // a refused request frees its struct too
                Live.exec("_bk_ro = bytes(range(32))");
                long ro = Live.eval("_bk_ro");
                try {
                    for (int i = 0; i < 100; i++) refuse(ro);
                    before = Long.parseLong(evalString("sys.getallocatedblocks()"));
                    for (int i = 0; i < cycles; i++) refuse(ro);
                    after = Long.parseLong(evalString("sys.getallocatedblocks()"));
                    assertTrue(after - before < cycles / 10,
                            "allocated blocks grew by " + (after - before) + " over " + cycles + " refused requests");
                } finally {
                    PY.Py_DecRef(ro);
                    Live.exec("del _bk_ro");
                }
                long ref0 = Live.refcount(ba);
                for (int i = 0; i < 100; i++) PROTOCOL.acquire(ba, BufferFlags.FULL).close();
                assertEquals(ref0, Live.refcount(ba));
                assertEquals(0, BYTEARRAY.exports(ba));
            } finally {
                PY.Py_DecRef(ba);
                Live.exec("del _bk_rel");
            }
        }
    }
}
