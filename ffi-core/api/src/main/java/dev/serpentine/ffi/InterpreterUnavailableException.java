package dev.serpentine.ffi;

/**
 * An interpreter that cannot be used: missing home or standard library, no shared libpython, a library that does not
 * load, an unsupported version, or a call made before the interpreter is up. Raised before CPython is touched
 * wherever possible, because a fatal error inside {@code Py_InitializeEx} would exit the whole JVM.
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
