package dev.serpentine.allocator;

import dev.serpentine.allocator.internal.PyMemAllocator;
import dev.serpentine.bridge.PythonRuntime;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Native memory from Python's allocator. The {@code PyMem} domain ({@link #malloc} …) needs the GIL held by the
 * calling thread — checked, an {@link IllegalStateException} otherwise; the raw domain ({@link #rawMalloc} …) works
 * on any thread. Blocks must be freed in the domain that allocated them, by this allocator: freeing an address it did
 * not hand out (or twice) is an {@link IllegalArgumentException}, never a crash.
 *
 * <p>Sizes are bytes; a negative size or a {@code count * size} that overflows is an {@link AllocationException}, and
 * so is an allocation Python's allocator refuses (NULL).
 */
@ProviderType
public interface PyAllocator {

    /** {@code PyMem_Malloc(size)}: GIL held. */
    long malloc(long size);

    /** {@code PyMem_Calloc(count, size)}: zeroed; GIL held. */
    long calloc(long count, long size);

    /** {@code PyMem_Realloc(address, size)}: contents preserved up to the smaller size; GIL held. */
    long realloc(long address, long size);

    /** {@code PyMem_Free(address)}: GIL held. */
    void free(long address);

    /** {@code PyMem_RawMalloc(size)}: any thread. */
    long rawMalloc(long size);

    /** {@code PyMem_RawCalloc(count, size)}: zeroed; any thread. */
    long rawCalloc(long count, long size);

    /** {@code PyMem_RawRealloc(address, size)}: any thread. */
    long rawRealloc(long address, long size);

    /** {@code PyMem_RawFree(address)}: any thread. */
    void rawFree(long address);

    /** Live bytes, peak, allocations and frees of this allocator (both domains). */
    AllocatorStats stats();

    /** A growable byte buffer in the {@code PyMem} domain (GIL held while it is used). */
    NativeByteBuffer newBuffer(long initialCapacity);

    /** The allocator over the given runtime's interpreter (plain Java; in OSGi it is a service). */
    static PyAllocator of(PythonRuntime runtime) {
        return PyMemAllocator.of(runtime);
    }
}
