package dev.serpentine.bridge.json;

import dev.serpentine.ffi.SerpentineException;

/** No JSON encoder or decoder is installed; the message names the bundle that provides one. */
public class JsonCodecUnavailableException extends SerpentineException {
    private static final long serialVersionUID = 1L;

    public JsonCodecUnavailableException(String message) {
        super(message);
    }
}
