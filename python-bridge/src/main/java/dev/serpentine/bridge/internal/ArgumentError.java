package dev.serpentine.bridge.internal;

import dev.serpentine.ffi.SerpentineException;

/** Arguments that do not fit a function's signature: raised in Python as {@code TypeError}. */
final class ArgumentError extends SerpentineException {
    private static final long serialVersionUID = 1L;

    ArgumentError(String message) {
        super(message);
    }
}
