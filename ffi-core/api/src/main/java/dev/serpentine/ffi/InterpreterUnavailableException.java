package dev.serpentine.ffi;

/**
 * An interpreter that cannot be used: missing home or standard library, no shared libpython, a library that does not
 * load or is truncated, an unsupported version, an error CPython reports while initializing (with its message), or a
 * call made before the interpreter is up. Raised before CPython is touched wherever possible, because CPython cannot
 * be initialized again in a process where its initialization failed half-way.
 */
public class InterpreterUnavailableException extends SerpentineException {
    private static final long serialVersionUID = 1L;

    public InterpreterUnavailableException(String message) {
        super(message);
    }

    public InterpreterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
