package dev.serpentine.ffi;

/** The root of Serpentine's exceptions: every failure the platform reports is one of these. */
public class SerpentineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SerpentineException(String message) {
        super(message);
    }

    public SerpentineException(String message, Throwable cause) {
        super(message, cause);
    }
}
