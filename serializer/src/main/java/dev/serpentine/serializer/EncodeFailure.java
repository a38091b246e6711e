package dev.serpentine.serializer;

/**
 * Why an encode stopped: the message of the {@code JSONEncodeError} (= {@code TypeError}) to raise and, when a Python
 * call failed, its exception as {@code __cause__} (a new reference the raise steals, or 0). Thrown from any depth and
 * caught once at the top; it carries no stack trace (errors are data here, not bugs).
 */
final class EncodeFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A new reference to the exception to chain as {@code __cause__}, or 0; taken by whoever raises. */
    transient long cause;
    /** The exception type to raise, or 0 for {@code TypeError}. */
    final transient long type;

    EncodeFailure(String message, long cause) {
        this(message, cause, 0);
    }

    EncodeFailure(String message, long cause, long type) {
        super(message, null, false, false);
        this.cause = cause;
        this.type = type;
    }
}
