package dev.serpentine.bridge.json;

import dev.serpentine.ffi.SerpentineException;

/**
 * The caller's buffer cannot hold the JSON text: nothing was written and the buffer's position did not move.
 * {@link #required()} says how large a buffer the same call needs.
 */
public class JsonBufferTooSmallException extends SerpentineException {
    private static final long serialVersionUID = 1L;

    private final long required;
    private final long remaining;

    public JsonBufferTooSmallException(long required, long remaining) {
        super("the JSON text is " + required + " bytes but the buffer has " + remaining + " bytes remaining");
        this.required = required;
        this.remaining = remaining;
    }

    /** The length of the JSON text, in bytes. */
    public long required() {
        return required;
    }

    /** What the buffer had room for. */
    public long remaining() {
        return remaining;
    }
}
