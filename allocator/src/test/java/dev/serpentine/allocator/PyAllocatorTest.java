package dev.serpentine.allocator;

import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.bridge.platform.RuntimeInterpreter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link PyAllocator} on the real interpreter: contents, accounting, the GIL rule and every misuse. */
class PyAllocatorTest {

    private final NativeMemory mem = RuntimeInterpreter.of(Runtimes.RUNTIME).binding().memory();
    private PyAllocator allocator;

    @BeforeEach
    void create() {
        allocator = PyAllocator.of(Runtimes.RUNTIME);
    }

    @AfterEach
    void everythingWasFreed() {
        AllocatorStats s = allocator.stats();
        assertEquals(0, s.liveBytes(), "live bytes after the test: " + s);
        assertEquals(0, s.liveBlocks(), "live blocks after the test: " + s);
    }

    private byte[] pattern(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private byte[] read(long address, int n) {
        byte[] b = new byte[n];
        Runtimes.RUNTIME.call(python -> {
            RuntimeInterpreter.of(Runtimes.RUNTIME).binding().memory().copyToArray(address, b, 0, n);
            return null;
        });
        return b;
    }

    @Test
    void reallocKeepsContentsInBothDomains() {
        Runtimes.RUNTIME.call(python -> {
            NativeMemory m = RuntimeInterpreter.of(Runtimes.RUNTIME).binding().memory();
            for (int size : new int[]{1, 7, 64, 511, 4096, 100_000}) {
                byte[] data = pattern(size, size);
                long p = allocator.malloc(size);
                m.copyFromArray(data, 0, p, size);
                long grown = allocator.realloc(p, size * 3L);
                byte[] back = new byte[size];
                m.copyToArray(grown, back, 0, size);
                assertArrayEquals(data, back, "PyMem_Realloc grow " + size);
                long shrunk = allocator.realloc(grown, Math.max(1, size / 2));
                m.copyToArray(shrunk, back, 0, Math.max(1, size / 2));
                for (int i = 0; i < size / 2; i++) assertEquals(data[i], back[i]);
                allocator.free(shrunk);

                long r = allocator.rawMalloc(size);
                m.copyFromArray(data, 0, r, size);
                long rg = allocator.rawRealloc(r, size * 2L);
                m.copyToArray(rg, back, 0, size);
                assertArrayEquals(data, back, "PyMem_RawRealloc grow " + size);
                allocator.rawFree(rg);
            }
            return null;
        });
    }

    @Test
    void callocIsZeroed() {
        Runtimes.RUNTIME.call(python -> {
            NativeMemory m = RuntimeInterpreter.of(Runtimes.RUNTIME).binding().memory();
            for (int n : new int[]{1, 3, 1000, 65_536}) {
                long p = allocator.calloc(n, 8);
                long r = allocator.rawCalloc(8, n);
                for (int i = 0; i < n * 8; i += 7) {
                    assertEquals(0, m.getByte(p + i));
                    assertEquals(0, m.getByte(r + i));
                }
                allocator.free(p);
                allocator.rawFree(r);
            }
            return null;
        });
    }

    @Test
    void statisticsFollowEveryBlock() {
        Runtimes.RUNTIME.call(python -> {
            long a = allocator.malloc(100);
            long b = allocator.calloc(10, 30);
            long c = allocator.rawMalloc(1000);
            AllocatorStats s = allocator.stats();
            assertEquals(1400, s.liveBytes());
            assertEquals(3, s.allocations());
            assertEquals(0, s.frees());
            assertEquals(1400, s.peakBytes());
            c = allocator.rawRealloc(c, 10);
            s = allocator.stats();
            assertEquals(410, s.liveBytes());
            assertEquals(4, s.allocations());
            assertEquals(1, s.frees());
            assertEquals(1400, s.peakBytes(), "the peak stays");
            allocator.free(a);
            allocator.free(b);
            allocator.rawFree(c);
            assertEquals(new AllocatorStats(0, 1400, 4, 4), allocator.stats());
            return null;
        });
    }

    @Test
    void theMemDomainNeedsTheGil() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> allocator.malloc(16));
        assertTrue(e.getMessage().contains("needs the GIL"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> allocator.calloc(1, 16));
        long raw = allocator.rawMalloc(16); // the raw domain works on any thread
        long p = Runtimes.RUNTIME.call(python -> allocator.malloc(16));
        assertThrows(IllegalStateException.class, () -> allocator.free(p));
        assertThrows(IllegalStateException.class, () -> allocator.realloc(p, 32));
        Runtimes.RUNTIME.call(python -> {
            allocator.free(p);
            return null;
        });
        allocator.rawFree(raw);
    }

    @Test
    void badSizesAreExceptions() {
        Runtimes.RUNTIME.call(python -> {
            assertThrows(AllocationException.class, () -> allocator.malloc(-1));
            assertThrows(AllocationException.class, () -> allocator.rawMalloc(-5));
            AllocationException overflow = assertThrows(AllocationException.class,
                    () -> allocator.calloc(Long.MAX_VALUE / 2, 3));
            assertTrue(overflow.getMessage().contains("overflows"), overflow.getMessage());
            assertThrows(AllocationException.class, () -> allocator.rawCalloc(-1, 8));
            // More than the address space: Python's allocator returns NULL, which must not become a crash.
            AllocationException refused = assertThrows(AllocationException.class, () -> allocator.malloc(1L << 60));
            assertTrue(refused.getMessage().contains("returned NULL"), refused.getMessage());
            assertThrows(AllocationException.class, () -> allocator.rawMalloc(1L << 60));
            long p = allocator.malloc(64);
            assertThrows(AllocationException.class, () -> allocator.realloc(p, 1L << 60));
            assertThrows(AllocationException.class, () -> allocator.realloc(p, -1));
            allocator.free(p); // a failed realloc leaves the block valid and owned
            return null;
        });
        assertEquals(0, allocator.stats().liveBytes());
    }

    @Test
    void foreignDoubleAndCrossDomainFreesAreRefused() {
        Runtimes.RUNTIME.call(python -> {
            long p = allocator.malloc(32);
            long r = allocator.rawMalloc(32);
            IllegalArgumentException cross = assertThrows(IllegalArgumentException.class, () -> allocator.rawFree(p));
            assertTrue(cross.getMessage().contains("MEM domain"), cross.getMessage());
            assertThrows(IllegalArgumentException.class, () -> allocator.free(r));
            allocator.free(p);
            IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> allocator.free(p));
            assertTrue(twice.getMessage().contains("not a live block"), twice.getMessage());
            assertThrows(IllegalArgumentException.class, () -> allocator.free(0x1234_5678L));
            assertThrows(IllegalArgumentException.class, () -> allocator.realloc(0x1234_5678L, 8));
            PyAllocator other = PyAllocator.of(Runtimes.RUNTIME);
            assertThrows(IllegalArgumentException.class, () -> other.rawFree(r), "another allocator's block");
            allocator.rawFree(r);
            return null;
        });
    }

    @Test
    void tracemallocSeesLiveBlocks() {
        Runtimes.exec("import tracemalloc\ntracemalloc.start()\n");
        try {
            long before = traced();
            long p = Runtimes.RUNTIME.call(python -> allocator.malloc(3_000_000));
            long during = traced();
            assertTrue(during - before >= 3_000_000, "traced " + before + " -> " + during);
            Runtimes.RUNTIME.call(python -> {
                allocator.free(p);
                return null;
            });
            long after = traced();
            assertTrue(during - after >= 3_000_000, "after free: " + during + " -> " + after);

            long r = allocator.rawMalloc(2_000_000);
            long rawDuring = traced();
            assertTrue(rawDuring - after >= 2_000_000, "raw traced " + after + " -> " + rawDuring);
            allocator.rawFree(r);
            assertTrue(rawDuring - traced() >= 2_000_000, "raw block still traced after free");
        } finally {
            Runtimes.exec("tracemalloc.stop()\n");
        }
    }

    private static long traced() {
        return (Long) Runtimes.eval("__import__('tracemalloc').get_traced_memory()[0]");
    }

    @Test
    void debugAllocatorIsActiveWhenAskedFor() {
        // CPython's own test helper names the allocators in use (in _testcapi up to 3.12, _testinternalcapi after).
        Object name = Runtimes.eval("next((getattr(m, 'pymem_getallocatorsname')() for m in"
                + " (__import__(n) for n in ('_testinternalcapi', '_testcapi')"
                + "  if __import__('importlib.util').util.find_spec(n))"
                + " if hasattr(m, 'pymem_getallocatorsname')), None)");
        String requested = System.getenv("PYTHONMALLOC");
        assertNotNull(name, "this CPython has no pymem_getallocatorsname to check the allocator with");
        if (requested != null && requested.contains("debug")) {
            assertTrue(name.toString().endsWith("_debug"), "PYTHONMALLOC=" + requested + " but allocators: " + name);
        } else {
            assertFalse(name.toString().endsWith("_debug"), "no PYTHONMALLOC but allocators: " + name);
        }
    }
}
