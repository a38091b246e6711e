package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.tests.BufferKit.Natives;
import dev.serpentine.ffi.tests.BufferKit.Oracle;
import dev.serpentine.ffi.view.PyBufferView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static dev.serpentine.ffi.tests.BufferKit.BUFFERS;
import static dev.serpentine.ffi.tests.BufferKit.MEM;
import static dev.serpentine.ffi.tests.BufferKit.ORDERS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Indirect (PIL-style) buffers: pointer arrays the suboffsets lead through, with suboffsets ≥ 0 in some dimensions
 * and -1 in others, negative and gapped strides in every block; hundreds of seeded layouts and a few hand-picked
 * ones, against CPython's {@code PyBuffer_*} functions and {@code PyMemoryView_FromBuffer(view).tobytes(order)}.
 */
class BufferIndirectTest {

    static final int LAYOUTS = 250;

    static Stream<BufferLayout> layouts() {
        return LongStream.range(0, LAYOUTS).mapToObj(seed -> BufferLayout.indirect(5000 + seed));
    }

    static Stream<BufferLayout> picked() {
        return Stream.of(
                // PIL: an array of row pointers, each row a contiguous run of pixels
                BufferLayout.of("PIL rows", 4, new long[]{3, 5}, new long[]{8, 4}, new long[]{0, -1}),
                BufferLayout.of("PIL rows with a header", 1, new long[]{4, 6}, new long[]{8, 1}, new long[]{16, -1}),
                BufferLayout.of("rows read backwards", 2, new long[]{3, 4}, new long[]{-8, 2}, new long[]{8, -1}),
                BufferLayout.of("pointer per element", 8, new long[]{2, 3}, new long[]{24, 8}, new long[]{-1, 0}),
                BufferLayout.of("every dimension indirect", 2, new long[]{2, 3, 2}, new long[]{8, 8, 8}, new long[]{0, 4, 0}),
                BufferLayout.of("1-D pointer array", 4, new long[]{5}, new long[]{-16}, new long[]{3}),
                BufferLayout.of("indirect, zero length", 4, new long[]{3, 0}, new long[]{8, 4}, new long[]{0, -1}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"layouts", "picked"})
    void agreesWithCPython(BufferLayout layout) {
        BufferLayoutsTest.check(layout);
    }

    @Test
    void isNeverContiguousAndIsWalkedThroughItsPointers() {
        BufferLayout layout = BufferLayout.of("PIL rows", 1, new long[]{2, 3}, new long[]{8, 1}, new long[]{0, -1});
        try (var g = Live.gil(); Oracle oracle = new Oracle(); Natives n = new Natives()) {
            BufferLayout.Instance in = layout.allocate(n, false);
            long view = in.view;
            // rows 0 and 1 are wherever the pointers say: write known rows there
            long row0 = MEM.getLong(MEM.getLong(view + PyBufferView.BUF));
            long row1 = MEM.getLong(MEM.getLong(view + PyBufferView.BUF) + 8);
            MEM.copyFromArray(new byte[]{1, 2, 3}, 0, row0, 3);
            MEM.copyFromArray(new byte[]{4, 5, 6}, 0, row1, 3);
            for (char order : ORDERS) {
                assertFalse(BUFFERS.isContiguous(view, order));
                assertFalse(oracle.isContiguous(view, order));
            }
            assertArrayEquals(new byte[]{1, 2, 3, 4, 5, 6}, BUFFERS.toArray(view, 'C'));
            assertArrayEquals(new byte[]{1, 4, 2, 5, 3, 6}, BUFFERS.toArray(view, 'F'));
            assertArrayEquals(new byte[]{1, 2, 3, 4, 5, 6}, BUFFERS.toArray(view, 'A'));
            List<Long> walk = new ArrayList<>();
            BUFFERS.forEachElement(view, 'F', walk::add);
            assertEquals(List.of(row0, row1, row0 + 1, row1 + 1, row0 + 2, row1 + 2), walk);
            assertEquals(row1 + 2, BUFFERS.pointer(view, 1, 2));
            BUFFERS.fromArray(view, new byte[]{9, 8, 7, 6, 5, 4}, 'F');
            assertArrayEquals(new byte[]{9, 7, 5}, BufferKit.read(row0, 3));
            assertArrayEquals(new byte[]{8, 6, 4}, BufferKit.read(row1, 3));
        }
    }
}
