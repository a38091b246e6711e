package dev.serpentine.bridge;

import dev.serpentine.ffi.SerpentineException;

/** A call did not get the GIL (through the GIL executor) within its timeout; it was cancelled if still queued. */
public class GilTimeoutException extends SerpentineException {
    private static final long serialVersionUID = 1L;

    public GilTimeoutException(String message) {
        super(message);
    }
}
