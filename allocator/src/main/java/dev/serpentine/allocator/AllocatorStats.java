package dev.serpentine.allocator;

/**
 * A snapshot of an allocator's accounting.
 *
 * @param liveBytes   bytes allocated and not yet freed
 * @param peakBytes   the highest {@code liveBytes} seen
 * @param allocations blocks allocated (reallocations count once more each)
 * @param frees       blocks freed (a reallocation frees its old block)
 */
public record AllocatorStats(long liveBytes, long peakBytes, long allocations, long frees) {

    /** Blocks allocated and not yet freed. */
    public long liveBlocks() {
        return allocations - frees;
    }
}
