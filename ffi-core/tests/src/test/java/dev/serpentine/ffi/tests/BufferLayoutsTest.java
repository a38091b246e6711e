package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.tests.BufferKit.Natives;
import dev.serpentine.ffi.tests.BufferKit.Oracle;
import dev.serpentine.ffi.view.PyBufferView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static dev.serpentine.ffi.tests.BufferKit.BUFFERS;
import static dev.serpentine.ffi.tests.BufferKit.MEM;
import static dev.serpentine.ffi.tests.BufferKit.ORDERS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Hundreds of seeded random hand-built direct {@code Py_buffer}s — ndim 0–4, itemsize 1/2/4/8, shapes with zeros
 * and ones, C, Fortran and permuted strides, gaps, odd and negative strides, zero (broadcast) strides, NULL strides
 * and shapes where CPython allows them — compared with CPython's {@code PyBuffer_IsContiguous}, {@code GetPointer},
 * {@code ToContiguous}, {@code FromContiguous} and {@code PyMemoryView_FromBuffer(view).tobytes(order)}.
 */
class BufferLayoutsTest {

    static final int LAYOUTS = 400;

    static Stream<BufferLayout> layouts() {
        return LongStream.range(0, LAYOUTS).mapToObj(seed -> BufferLayout.direct(1000 + seed));
    }

    /** Hand-picked layouts the generator might miss. */
    static Stream<BufferLayout> picked() {
        return Stream.of(
                BufferLayout.of("numpy a[::-1, ::2] of int16[4,6]", 2, new long[]{4, 3}, new long[]{-12, 4}, null),
                BufferLayout.of("Fortran int32[3,4,2]", 4, new long[]{3, 4, 2}, new long[]{4, 12, 48}, null),
                BufferLayout.of("transposed int64[5,3]", 8, new long[]{3, 5}, new long[]{8, 24}, null),
                BufferLayout.of("broadcast row int16[4]→[3,4]", 2, new long[]{3, 4}, new long[]{0, 2}, null),
                BufferLayout.of("all-negative 3-D bytes", 1, new long[]{2, 3, 4}, new long[]{-12, -4, -1}, null),
                BufferLayout.of("C with a length-1 dim of odd stride", 2, new long[]{3, 1, 4}, new long[]{8, 7, 2}, null),
                BufferLayout.of("Fortran with zero length", 4, new long[]{3, 0, 2}, new long[]{4, 12, 0}, null),
                BufferLayout.of("4-D mixed", 1, new long[]{2, 2, 3, 2}, new long[]{1, -40, 12, 2}, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"layouts", "picked"})
    void agreesWithCPython(BufferLayout layout) {
        check(layout);
    }

    /** Reads, pointer bounds and writes of one layout against CPython. */
    static void check(BufferLayout layout) {
        String what = layout.name;
        try (var g = Live.gil(); Oracle oracle = new Oracle(); Natives n = new Natives()) {
            BufferLayout.Instance in = layout.allocate(n, false);
            BufferKit.compareReads(oracle, in.view, what);
            bounds(in.view, layout, what);
            writes(oracle, n, in, layout, what);
        }
    }

    private static void bounds(long view, BufferLayout layout, String what) {
        long[] shape = BufferKit.logicalShape(view);
        int ndim = shape.length;
        assertThrows(IndexOutOfBoundsException.class, () -> BUFFERS.pointer(view, new long[ndim + 1]), what);
        if (ndim == 0) return;
        assertThrows(IndexOutOfBoundsException.class, () -> BUFFERS.pointer(view, new long[ndim - 1]), what);
        for (int d = 0; d < ndim; d++) {
            long[] idx = new long[ndim];
            idx[d] = shape[d];
            assertThrows(IndexOutOfBoundsException.class, () -> BUFFERS.pointer(view, idx), what + " " + Arrays.toString(idx));
            idx[d] = -1;
            assertThrows(IndexOutOfBoundsException.class, () -> BUFFERS.pointer(view, idx), what + " " + Arrays.toString(idx));
        }
    }

    /**
     * Every order, full and shorter lengths: the Java copy and {@code PyBuffer_FromContiguous}, each from the same
     * starting memory, leave every byte of every block the same.
     */
    static void writes(Oracle oracle, Natives n, BufferLayout.Instance in, BufferLayout layout, String what) {
        long view = in.view;
        long len = layout.len;
        long itemsize = layout.itemsize;
        // CPython dereferences strides in FromContiguous unless the view is contiguous in the order
        long strided = BufferKit.withStrides(n, view);
        byte[][] start = in.snapshot();
        Random random = new Random(layout.seed);
        for (char order : ORDERS) {
            long target = oracle.isContiguous(view, order) || !layout.stridesNull ? view : strided;
            Set<Long> lengths = new LinkedHashSet<>(List.of(len, len - itemsize, len - 1, len / 2, itemsize + 1, 1L, 0L));
            for (long l : lengths) {
                if (l < 0 || l > len) continue;
                byte[] src = new byte[(int) len];
                random.nextBytes(src);
                long s = n.bytes(src);
                in.restore(start);
                BUFFERS.fromContiguous(view, s, l, order);
                byte[][] java = in.snapshot();
                in.restore(start);
                oracle.fromContiguous(target, src, l, order);
                byte[][] c = in.snapshot();
                for (int i = 0; i < c.length; i++) {
                    assertArrayEquals(c[i], java[i], what + ": fromContiguous(" + l + " of " + len + " bytes, '" + order
                            + "'), block " + i);
                }
                if (l == len && !layout.aliased) {
                    assertArrayEquals(src, BUFFERS.toArray(view, order), what + ": written in '" + order + "' order");
                }
                n.free(s);
            }
            byte[] src = new byte[(int) len];
            random.nextBytes(src);
            in.restore(start);
            BUFFERS.fromArray(view, src, order);
            byte[][] java = in.snapshot();
            in.restore(start);
            oracle.fromContiguous(target, src, len, order);
            byte[][] c = in.snapshot();
            for (int i = 0; i < c.length; i++) {
                assertArrayEquals(c[i], java[i], what + ": fromArray('" + order + "'), block " + i);
            }
        }
        in.restore(start);
        // fixed points: a full write of what toArray read changes nothing
        if (!layout.aliased) {
            for (char order : ORDERS) {
                BUFFERS.fromArray(view, BUFFERS.toArray(view, order), order);
                byte[][] after = in.snapshot();
                for (int i = 0; i < after.length; i++) assertArrayEquals(start[i], after[i], what);
            }
        }
        assertEquals(0, MEM.getInt(view + PyBufferView.READONLY));
        List<Long> all = new ArrayList<>();
        BUFFERS.forEachElement(view, 'C', all::add);
        assertEquals(len / Math.max(itemsize, 1), all.size(), what + ": one visit per element");
    }
}
