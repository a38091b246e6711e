package dev.serpentine.allocator;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.bridge.platform.RuntimeInterpreter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The growable buffer: contents, amortized growth, hand-over without a copy, and freeing on every path. */
class NativeByteBufferTest {

    private PyAllocator allocator;

    @BeforeEach
    void create() {
        allocator = PyAllocator.of(Runtimes.RUNTIME);
    }

    @AfterEach
    void everythingWasFreed() {
        assertEquals(0, allocator.stats().liveBlocks(), allocator.stats().toString());
    }

    @Test
    void appendsEveryKindOfValue() {
        byte[] expected;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer le = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        byte[] result = Runtimes.RUNTIME.call(python -> {
            try (NativeByteBuffer buf = allocator.newBuffer(0)) {
                for (int i = 0; i < 500; i++) {
                    buf.append((byte) i).appendInt(i * 31).appendLong(-i * 1_000_000_007L).appendAscii("k" + i)
                            .append(new byte[]{1, 2, 3, 4, 5}, 1, 3);
                }
                return buf.toArray();
            }
        });
        for (int i = 0; i < 500; i++) {
            out.write((byte) i);
            out.write(le.clear().putInt(i * 31).array(), 0, 4);
            out.write(le.clear().putLong(-i * 1_000_000_007L).array(), 0, 8);
            out.writeBytes(("k" + i).getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[]{2, 3, 4}, 0, 3);
        }
        expected = out.toByteArray();
        assertArrayEquals(expected, result);
    }

    @Test
    void growsGeometrically() {
        Runtimes.RUNTIME.call(python -> {
            try (NativeByteBuffer buf = allocator.newBuffer(16)) {
                for (int i = 0; i < 1_000_000; i++) buf.append((byte) 'x');
                assertEquals(1_000_000, buf.size());
                assertTrue(buf.capacity() >= buf.size());
                long reallocations = allocator.stats().allocations() - 1;
                assertTrue(reallocations <= 40, "a million appends took " + reallocations + " reallocations");
            }
            return null;
        });
    }

    @Test
    void takeHandsOverTheBlockWithoutACopy() {
        Runtimes.RUNTIME.call(python -> {
            NativeMemory mem = RuntimeInterpreter.of(Runtimes.RUNTIME).binding().memory();
            NativeByteBuffer buf = allocator.newBuffer(8);
            buf.appendAscii("{\"serpentine\": true}");
            long where = buf.address();
            NativeBlock block = buf.take();
            assertEquals(where, block.address(), "no copy");
            assertEquals(20, block.length());
            assertThrows(IllegalStateException.class, buf::size, "the buffer is spent");
            buf.close(); // does not free a taken block
            assertEquals(1, allocator.stats().liveBlocks());
            // the block is real memory Python can read
            try (PyRef view = python.eval("__import__('ctypes').string_at(" + block.address() + ", " + block.length() + ")")) {
                assertArrayEquals("{\"serpentine\": true}".getBytes(StandardCharsets.US_ASCII), (byte[]) python.toJava(view));
            }
            byte[] back = new byte[20];
            mem.copyToArray(block.address(), back, 0, 20);
            assertEquals("{\"serpentine\": true}", new String(back, StandardCharsets.US_ASCII));
            block.close();
            block.close(); // idempotent
            return null;
        });
    }

    @Test
    void failuresFreeTheBuffer() {
        Runtimes.RUNTIME.call(python -> {
            assertThrows(IllegalArgumentException.class, () -> {
                try (NativeByteBuffer buf = allocator.newBuffer(4)) {
                    buf.appendAscii("fine");
                    buf.appendAscii("caf\u00e9"); // not ASCII: fails mid-way
                }
            });
            assertThrows(IndexOutOfBoundsException.class, () -> {
                try (NativeByteBuffer buf = allocator.newBuffer(4)) {
                    buf.append(new byte[3], 2, 5);
                }
            });
            assertThrows(AllocationException.class, () -> {
                try (NativeByteBuffer buf = allocator.newBuffer(4)) {
                    buf.ensureCapacity(1L << 60);
                }
            });
            assertThrows(AllocationException.class, () -> allocator.newBuffer(-1));
            return null;
        });
    }

    @Test
    void nativeSourcesAppendToo() {
        Runtimes.RUNTIME.call(python -> {
            try (NativeByteBuffer src = allocator.newBuffer(0); NativeByteBuffer dst = allocator.newBuffer(0)) {
                src.appendAscii("0123456789");
                dst.appendAscii(">").append(src.address() + 2, 5).appendAscii("<");
                assertEquals(">23456<", new String(dst.toArray(), StandardCharsets.US_ASCII));
            }
            return null;
        });
    }
}
