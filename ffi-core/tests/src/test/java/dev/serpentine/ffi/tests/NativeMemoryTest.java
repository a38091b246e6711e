package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.NativeMemory;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link NativeMemory} of every backend this JVM runs (the memory is the process's, so each backend works on blocks
 * from the running libpython's {@code PyMem_RawMalloc}), and {@link CStrings} on top of it.
 */
class NativeMemoryTest {

    private static final int SIZE = 512;
    private static final byte SENTINEL = (byte) 0x5a;
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    static Stream<Arguments> memories() {
        return Backends.available(NativeMemoryTest.class.getClassLoader()).stream()
                .map(b -> Arguments.of(Named.of(b.backendName(), b.memory())));
    }

    /** A {@code PyMem_RawMalloc} block filled with {@link #SENTINEL}, freed on close. */
    private record Block(long address) implements AutoCloseable {
        static Block allocate() {
            long p = Live.PY.PyMem_RawMalloc(SIZE);
            assertNotEquals(0L, p, "PyMem_RawMalloc failed");
            Live.MEM.fill(p, SIZE, SENTINEL);
            return new Block(p);
        }

        @Override
        public void close() {
            Live.PY.PyMem_RawFree(address);
        }
    }

    /** Bytes {@code [from, to)} of the block, read one at a time through {@code mem}. */
    private static byte[] bytes(NativeMemory mem, long address, int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = from; i < to; i++) b[i - from] = mem.getByte(address + i);
        return b;
    }

    private static byte[] sentinels(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, SENTINEL);
        return b;
    }

    /** The {@code width} bytes of {@code value} in the platform's order. */
    private static byte[] nativeBytes(long value, int width) {
        byte[] b = new byte[width];
        for (int i = 0; i < width; i++) {
            int shift = 8 * (LITTLE ? i : width - 1 - i);
            b[i] = (byte) (value >>> shift);
        }
        return b;
    }

    // --- scalar reads and writes -----------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("memories")
    void everyWidthRoundTripsAtEveryAlignmentAndWritesOnlyItsBytes(NativeMemory mem) {
        try (Block b = Block.allocate()) {
            for (int misalign = 0; misalign < 8; misalign++) {
                long base = b.address() + 64;
                long a = base + misalign;
                String at = "at +" + misalign;

                mem.putByte(a, (byte) 0x81);
                assertEquals((byte) 0x81, mem.getByte(a), at);
                assertArrayEquals(new byte[]{SENTINEL, (byte) 0x81, SENTINEL}, bytes(mem, a, -1, 2), at);

                mem.putShort(a, (short) 0xbeef);
                assertEquals((short) 0xbeef, mem.getShort(a), at);
                assertArrayEquals(nativeBytes(0xbeef, 2), bytes(mem, a, 0, 2), at);
                assertEquals(SENTINEL, mem.getByte(a + 2), at);

                mem.putInt(a, 0xcafebabe);
                assertEquals(0xcafebabe, mem.getInt(a), at);
                assertArrayEquals(nativeBytes(0xcafebabeL, 4), bytes(mem, a, 0, 4), at);
                assertEquals(SENTINEL, mem.getByte(a + 4), at);

                mem.putLong(a, 0x0123456789abcdefL);
                assertEquals(0x0123456789abcdefL, mem.getLong(a), at);
                assertArrayEquals(nativeBytes(0x0123456789abcdefL, 8), bytes(mem, a, 0, 8), at);
                assertEquals(SENTINEL, mem.getByte(a + 8), at);
                assertEquals(SENTINEL, mem.getByte(a - 1), at);

                for (double d : new double[]{-2.5e-300, Double.MIN_VALUE, Double.MAX_VALUE, -0.0, Double.NEGATIVE_INFINITY, Math.PI}) {
                    mem.putDouble(a, d);
                    assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(mem.getDouble(a)), at + ": " + d);
                    assertEquals(Double.doubleToRawLongBits(d), mem.getLong(a), at + ": bits of " + d);
                }
                mem.putDouble(a, Double.NaN);
                assertEquals(Double.NaN, mem.getDouble(a), at);
                assertEquals(SENTINEL, mem.getByte(a + 8), at);

                mem.fill(base - 8, 32, SENTINEL);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("memories")
    void signedValuesAndWiderReadsOfNarrowWrites(NativeMemory mem) {
        try (Block b = Block.allocate()) {
            long a = b.address() + 3;
            mem.putLong(a, -1L);
            assertEquals((byte) -1, mem.getByte(a));
            assertEquals((short) -1, mem.getShort(a + 1));
            assertEquals(-1, mem.getInt(a + 3));
            mem.putByte(a, (byte) 0x80);
            assertEquals(-128, mem.getByte(a));
            mem.putShort(a, Short.MIN_VALUE);
            assertEquals(Short.MIN_VALUE, mem.getShort(a));
            mem.putInt(a, Integer.MIN_VALUE);
            assertEquals(Integer.MIN_VALUE, mem.getInt(a));
            mem.putLong(a, Long.MIN_VALUE);
            assertEquals(Long.MIN_VALUE, mem.getLong(a));
            // a long seen as two ints, in the platform's order
            mem.putLong(a, 0x11111111_22222222L);
            assertEquals(LITTLE ? 0x22222222 : 0x11111111, mem.getInt(a));
            assertEquals(LITTLE ? 0x11111111 : 0x22222222, mem.getInt(a + 4));
        }
    }

    @Test
    void everyBackendSeesTheSameMemory() {
        List<NativeMemory> all = memories().map(a -> (NativeMemory) ((Named<?>) a.get()[0]).getPayload()).toList();
        try (Block b = Block.allocate()) {
            for (NativeMemory writer : all) {
                long value = 0x7e57_0000_0000_0000L | System.identityHashCode(writer);
                writer.putLong(b.address() + 5, value);
                for (NativeMemory reader : all) {
                    assertEquals(value, reader.getLong(b.address() + 5), writer + " → " + reader);
                }
            }
        }
    }

    // --- bulk copies -----------------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("memories")
    void copyFromArrayAndToArrayMoveExactlyTheRange(NativeMemory mem) {
        byte[] src = new byte[100];
        for (int i = 0; i < src.length; i++) src[i] = (byte) (i * 7 + 1);
        try (Block b = Block.allocate()) {
            long a = b.address() + 3;
            mem.copyFromArray(src, 10, a, 50);
            assertArrayEquals(java.util.Arrays.copyOfRange(src, 10, 60), bytes(mem, a, 0, 50));
            assertEquals(SENTINEL, mem.getByte(a - 1));
            assertEquals(SENTINEL, mem.getByte(a + 50));

            byte[] dst = new byte[80];
            java.util.Arrays.fill(dst, (byte) 0x77);
            mem.copyToArray(a + 1, dst, 5, 49);
            assertArrayEquals(java.util.Arrays.copyOfRange(src, 11, 60), java.util.Arrays.copyOfRange(dst, 5, 54));
            assertEquals(0x77, dst[4]);
            assertEquals(0x77, dst[54]);

            mem.copyFromArray(src, 0, a, 0);
            mem.copyToArray(a, dst, 0, 0);
            assertEquals(src[10], mem.getByte(a), "a zero-length copy changes nothing");
            assertEquals(0x77, dst[0]);
        }
    }

    /** The bytes of {@code values[from, from + n)} in the platform's order, as a native block holds them. */
    private static byte[] nativeImage(Object values, int from, int n) {
        ByteBuffer buf;
        if (values instanceof char[] c) {
            buf = ByteBuffer.allocate(2 * n).order(ByteOrder.nativeOrder());
            buf.asCharBuffer().put(c, from, n);
        } else if (values instanceof int[] i) {
            buf = ByteBuffer.allocate(4 * n).order(ByteOrder.nativeOrder());
            buf.asIntBuffer().put(i, from, n);
        } else {
            buf = ByteBuffer.allocate(8 * n).order(ByteOrder.nativeOrder());
            buf.asLongBuffer().put((long[]) values, from, n);
        }
        return buf.array();
    }

    @ParameterizedTest
    @MethodSource("memories")
    void charIntAndLongCopiesMoveExactBytesInPlatformOrderAtEveryAlignment(NativeMemory mem) {
        char[] chars = {'A', 0xbeef, 0xffff, 0, 0xd83d, 0xde00, 0xe9, 0x7f};
        int[] ints = {0, -1, 0x10ffff, Integer.MIN_VALUE, 0xcafebabe, 42, 0x80, Integer.MAX_VALUE};
        long[] longs = {0, -1, Long.MIN_VALUE, 0x0123456789abcdefL, 7, Long.MAX_VALUE, 0x80L << 48, 1};
        try (Block b = Block.allocate()) {
            for (int misalign = 0; misalign < 8; misalign++) {
                long a = b.address() + 16 + misalign;
                String at = "at +" + misalign;

                mem.copyFromArray(chars, 1, a, 6);
                assertArrayEquals(nativeImage(chars, 1, 6), bytes(mem, a, 0, 12), at);
                char[] c = new char[10];
                java.util.Arrays.fill(c, 'z');
                mem.copyToArray(a + 2, c, 3, 5);
                assertArrayEquals("zzz".toCharArray(), java.util.Arrays.copyOfRange(c, 0, 3), at);
                assertArrayEquals(java.util.Arrays.copyOfRange(chars, 2, 7), java.util.Arrays.copyOfRange(c, 3, 8), at);
                assertArrayEquals("zz".toCharArray(), java.util.Arrays.copyOfRange(c, 8, 10), at);
                assertEquals(SENTINEL, mem.getByte(a - 1), at);
                assertEquals(SENTINEL, mem.getByte(a + 12), at);

                mem.copyFromArray(ints, 2, a, 6);
                assertArrayEquals(nativeImage(ints, 2, 6), bytes(mem, a, 0, 24), at);
                int[] i = new int[8];
                mem.copyToArray(a + 4, i, 1, 5);
                assertArrayEquals(new int[] {0, Integer.MIN_VALUE, 0xcafebabe, 42, 0x80, Integer.MAX_VALUE, 0, 0}, i, at);
                assertEquals(SENTINEL, mem.getByte(a + 24), at);

                mem.copyFromArray(longs, 0, a, 8);
                assertArrayEquals(nativeImage(longs, 0, 8), bytes(mem, a, 0, 64), at);
                long[] l = new long[8];
                mem.copyToArray(a + 8, l, 0, 7);
                assertArrayEquals(java.util.Arrays.copyOf(java.util.Arrays.copyOfRange(longs, 1, 8), 8), l, at);
                assertEquals(SENTINEL, mem.getByte(a + 64), at);
                assertEquals(SENTINEL, mem.getByte(a - 1), at);

                mem.fill(b.address(), SIZE, SENTINEL);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("memories")
    void bulkCopiesOutsideTheArrayAreRefusedBeforeTouchingMemory(NativeMemory mem) {
        byte[] bytes = new byte[16];
        char[] chars = new char[16];
        int[] ints = new int[16];
        long[] longs = new long[16];
        int[][] bad = {{-1, 4}, {0, -1}, {13, 4}, {16, 1}, {0, 17}, {Integer.MAX_VALUE, 2}};
        try (Block b = Block.allocate()) {
            long a = b.address() + 8;
            for (int[] r : bad) {
                int off = r[0];
                int len = r[1];
                String what = "offset " + off + ", length " + len;
                List<org.junit.jupiter.api.function.Executable> calls = List.of(
                        () -> mem.copyToArray(a, bytes, off, len), () -> mem.copyFromArray(bytes, off, a, len),
                        () -> mem.copyToArray(a, chars, off, len), () -> mem.copyFromArray(chars, off, a, len),
                        () -> mem.copyToArray(a, ints, off, len), () -> mem.copyFromArray(ints, off, a, len),
                        () -> mem.copyToArray(a, longs, off, len), () -> mem.copyFromArray(longs, off, a, len));
                for (var call : calls) {
                    org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class, call, what);
                }
            }
            assertArrayEquals(sentinels(SIZE), bytes(mem, b.address(), 0, SIZE), "native memory untouched");
            assertArrayEquals(new byte[16], bytes);
            assertArrayEquals(new char[16], chars);
            assertArrayEquals(new int[16], ints);
            assertArrayEquals(new long[16], longs);
            // the array's end is a valid place for an empty copy
            mem.copyToArray(a, longs, 16, 0);
            mem.copyFromArray(chars, 16, a, 0);
            assertArrayEquals(sentinels(SIZE), bytes(mem, b.address(), 0, SIZE));
        }
    }

    @ParameterizedTest
    @MethodSource("memories")
    void overlappingCopiesHaveMemmoveSemanticsInBothDirections(NativeMemory mem) {
        try (Block b = Block.allocate()) {
            long a = b.address() + 1;
            byte[] pattern = new byte[100];
            for (int i = 0; i < pattern.length; i++) pattern[i] = (byte) i;

            // forwards: the destination overlaps the end of the source
            mem.copyFromArray(pattern, 0, a, 100);
            mem.copy(a, a + 7, 60);
            byte[] expected = pattern.clone();
            System.arraycopy(pattern, 0, expected, 7, 60);
            assertArrayEquals(expected, bytes(mem, a, 0, 100), "copy(a, a + 7, 60)");

            // backwards: the destination overlaps the start of the source
            mem.copyFromArray(pattern, 0, a, 100);
            mem.copy(a + 7, a, 60);
            expected = pattern.clone();
            System.arraycopy(pattern, 7, expected, 0, 60);
            assertArrayEquals(expected, bytes(mem, a, 0, 100), "copy(a + 7, a, 60)");

            // overlapping by one byte, unaligned, and disjoint
            mem.copyFromArray(pattern, 0, a, 100);
            mem.copy(a + 1, a, 99);
            expected = pattern.clone();
            System.arraycopy(pattern, 1, expected, 0, 99);
            assertArrayEquals(expected, bytes(mem, a, 0, 100), "copy(a + 1, a, 99)");

            mem.copyFromArray(pattern, 0, a, 100);
            mem.copy(a, a + 200, 100);
            assertArrayEquals(pattern, bytes(mem, a, 200, 300), "disjoint copy");
            assertEquals(SENTINEL, mem.getByte(a + 300));

            mem.copy(a + 50, a, 0);
            assertArrayEquals(pattern, bytes(mem, a, 0, 100), "a zero-length copy changes nothing");
        }
    }

    @ParameterizedTest
    @MethodSource("memories")
    void fillSetsExactlyTheRange(NativeMemory mem) {
        try (Block b = Block.allocate()) {
            long a = b.address() + 5;
            mem.fill(a, 20, (byte) 0xab);
            byte[] expected = sentinels(22);
            java.util.Arrays.fill(expected, 1, 21, (byte) 0xab);
            assertArrayEquals(expected, bytes(mem, a, -1, 21));
            mem.fill(a, 0, (byte) 0);
            assertEquals((byte) 0xab, mem.getByte(a), "a zero-length fill changes nothing");
            mem.fill(b.address(), SIZE, (byte) 0);
            assertArrayEquals(new byte[SIZE], bytes(mem, b.address(), 0, SIZE));
        }
    }

    @ParameterizedTest
    @MethodSource("memories")
    void strlenCountsBytesUpToTheFirstNul(NativeMemory mem) {
        try (Block b = Block.allocate()) {
            long a = b.address() + 3;
            mem.putByte(a, (byte) 0);
            assertEquals(0, mem.strlen(a));
            byte[] text = "héllo".getBytes(StandardCharsets.UTF_8);
            mem.copyFromArray(text, 0, a, text.length);
            mem.putByte(a + text.length, (byte) 0);
            assertEquals(6, mem.strlen(a), "é is two bytes, both negative as Java bytes");
            assertEquals(5, mem.strlen(a + 1));
            mem.fill(b.address(), SIZE - 1, (byte) 'x');
            mem.putByte(b.address() + SIZE - 1, (byte) 0);
            assertEquals(SIZE - 1, mem.strlen(b.address()));
            mem.putByte(b.address() + 300, (byte) 0);
            assertEquals(300, mem.strlen(b.address()));
        }
    }

    // --- CStrings --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("memories")
    void cStringsRoundTripNonAsciiText(NativeMemory mem) {
        List<String> texts = List.of("", "serpentine", "héllo wörld", "€ 😀 中文 ∑ ß", "Ω".repeat(3000));
        for (String s : texts) {
            long p = CStrings.allocate(Live.PY, s);
            try {
                int utf8 = s.getBytes(StandardCharsets.UTF_8).length;
                assertEquals(utf8, mem.strlen(p), s);
                assertEquals(s, CStrings.read(mem, p));
                assertEquals(s, CStrings.read(mem, p, utf8));
                assertEquals(0, mem.getByte(p + utf8), "NUL-terminated");
            } finally {
                CStrings.free(Live.PY, p);
            }
        }
        assertNull(CStrings.read(mem, 0));
    }

    @ParameterizedTest
    @MethodSource("memories")
    void cStringsStopAtAnEmbeddedNulUnlessGivenALength(NativeMemory mem) {
        // CStrings.allocate refuses such text (CStringsAndPinningTest): these bytes come from elsewhere
        byte[] bytes = "a\u0000é\u0000".getBytes(StandardCharsets.UTF_8);
        long p = Live.PY.PyMem_RawMalloc(bytes.length);
        mem.copyFromArray(bytes, 0, p, bytes.length);
        try {
            assertEquals("a", CStrings.read(mem, p));
            assertEquals("a\u0000é", CStrings.read(mem, p, 4));
        } finally {
            CStrings.free(Live.PY, p);
        }
    }

    @Test
    void cStringsReachPython() {
        String text = "Grüße, 世界 🐍";
        try (var g = Live.gil()) {
            long str = Live.withCString(text, c -> Live.PY.PyUnicode_FromStringAndSize(c,
                    text.getBytes(StandardCharsets.UTF_8).length));
            try {
                assertNotEquals(0L, str);
                assertEquals(text.codePointCount(0, text.length()), Live.PY.PyUnicode_GetLength(str));
                assertEquals(text, Live.INTERPRETER.utf8(str));
            } finally {
                Live.PY.Py_DecRef(str);
            }
        }
    }
}
