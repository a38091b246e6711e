package dev.serpentine.allocator.internal;

import dev.serpentine.allocator.AllocationException;
import dev.serpentine.allocator.AllocatorStats;
import dev.serpentine.allocator.NativeByteBuffer;
import dev.serpentine.allocator.PyAllocator;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.platform.RuntimeInterpreter;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.GilOwnership;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link PyAllocator} on {@code PyMem_*} / {@code PyMem_Raw*}. Every live block is recorded with its size and domain:
 * that gives the statistics, and turns a foreign, double or cross-domain free into an exception before it reaches
 * Python's allocator, where it would corrupt the heap.
 *
 * <p>In OSGi it is the {@link PyAllocator} service, available only once {@link PythonRuntime} is (the interpreter is up).
 */
@Component(service = PyAllocator.class)
public final class PyMemAllocator implements PyAllocator {

    private enum Domain { MEM, RAW }

    private record Block(Domain domain, long size) {
    }

    private final CPythonBinding py;
    private final ConcurrentHashMap<Long, Block> live = new ConcurrentHashMap<>();
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong frees = new AtomicLong();

    @Activate
    public PyMemAllocator(@Reference(name = "runtime") PythonRuntime runtime) {
        if (runtime.isShutdown()) throw new InterpreterUnavailableException("the Python runtime has been shut down");
        this.py = RuntimeInterpreter.of(runtime).binding();
    }

    public static PyAllocator of(PythonRuntime runtime) {
        return new PyMemAllocator(runtime);
    }

    /** The bridge's marker, not PyGILState_Check: that answers 1 on every thread once a sub-interpreter exists. */
    private static void requireGil(String function) {
        if (!GilOwnership.holds()) {
            throw new IllegalStateException(function + " needs the GIL: call it inside PythonRuntime.call(…),"
                    + " or use the raw domain (rawMalloc …) without it");
        }
    }

    private static long checkedSize(long size) {
        if (size < 0) throw new AllocationException("negative size " + size);
        return size;
    }

    private static long product(long count, long size) {
        if (count < 0 || size < 0) throw new AllocationException("negative size " + count + " × " + size);
        try {
            return Math.multiplyExact(count, size);
        } catch (ArithmeticException e) {
            throw new AllocationException(count + " × " + size + " bytes overflows");
        }
    }

    private long record(long address, Domain domain, long size, String function) {
        if (address == 0) throw new AllocationException(function + "(" + size + " bytes) failed: Python's allocator returned NULL");
        live.put(address, new Block(domain, size));
        allocations.incrementAndGet();
        long now = liveBytes.addAndGet(size);
        peakBytes.accumulateAndGet(now, Math::max);
        return address;
    }

    private Block release(long address, Domain domain, String function) {
        Block b = live.get(address);
        if (b == null || b.domain != domain) {
            throw new IllegalArgumentException(function + "(0x" + Long.toHexString(address) + "): "
                    + (b == null ? "not a live block of this allocator (already freed, or never allocated here)"
                    : "allocated in the " + b.domain + " domain"));
        }
        return b;
    }

    private void forget(long address, Block b) {
        live.remove(address);
        frees.incrementAndGet();
        liveBytes.addAndGet(-b.size);
    }

    @Override
    public long malloc(long size) {
        requireGil("PyMem_Malloc");
        return record(py.PyMem_Malloc(checkedSize(size)), Domain.MEM, size, "PyMem_Malloc");
    }

    @Override
    public long calloc(long count, long size) {
        requireGil("PyMem_Calloc");
        long total = product(count, size);
        return record(py.PyMem_Calloc(count, size), Domain.MEM, total, "PyMem_Calloc");
    }

    @Override
    public long realloc(long address, long size) {
        requireGil("PyMem_Realloc");
        return reallocate(address, size, Domain.MEM);
    }

    @Override
    public void free(long address) {
        requireGil("PyMem_Free");
        Block b = release(address, Domain.MEM, "PyMem_Free");
        forget(address, b);
        py.PyMem_Free(address);
    }

    @Override
    public long rawMalloc(long size) {
        return record(py.PyMem_RawMalloc(checkedSize(size)), Domain.RAW, size, "PyMem_RawMalloc");
    }

    @Override
    public long rawCalloc(long count, long size) {
        long total = product(count, size);
        return record(py.PyMem_RawCalloc(count, size), Domain.RAW, total, "PyMem_RawCalloc");
    }

    @Override
    public long rawRealloc(long address, long size) {
        return reallocate(address, size, Domain.RAW);
    }

    @Override
    public void rawFree(long address) {
        Block b = release(address, Domain.RAW, "PyMem_RawFree");
        forget(address, b);
        py.PyMem_RawFree(address);
    }

    private long reallocate(long address, long size, Domain domain) {
        String function = domain == Domain.MEM ? "PyMem_Realloc" : "PyMem_RawRealloc";
        checkedSize(size);
        Block old = release(address, domain, function);
        long moved = domain == Domain.MEM ? py.PyMem_Realloc(address, size) : py.PyMem_RawRealloc(address, size);
        if (moved == 0) { // the old block is untouched and still ours
            throw new AllocationException(function + "(" + size + " bytes) failed: Python's allocator returned NULL");
        }
        forget(address, old);
        return record(moved, domain, size, function);
    }

    @Override
    public AllocatorStats stats() {
        return new AllocatorStats(liveBytes.get(), peakBytes.get(), allocations.get(), frees.get());
    }

    @Override
    public NativeByteBuffer newBuffer(long initialCapacity) {
        return NativeByteBuffer.create(this, py.memory(), initialCapacity);
    }
}
