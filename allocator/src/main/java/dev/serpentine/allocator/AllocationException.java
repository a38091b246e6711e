package dev.serpentine.allocator;

import dev.serpentine.ffi.SerpentineException;

/** Python's allocator returned NULL, or a size does not fit (overflow); nothing was allocated. */
public class AllocationException extends SerpentineException {
    private static final long serialVersionUID = 1L;

    public AllocationException(String message) {
        super(message);
    }
}
