package dev.serpentine.bridge.json;

import dev.serpentine.ffi.SerpentineException;

/**
 * A value that cannot be encoded (in Python: {@code serpentine.JSONEncodeError}, which is {@code TypeError}). The
 * cause, if any, is what a {@code default} function raised.
 */
public class JsonEncodeException extends SerpentineException {
    private static final long serialVersionUID = 1L;

    public JsonEncodeException(String message) {
        super(message);
    }

    public JsonEncodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
