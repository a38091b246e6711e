package dev.serpentine.deserializer;

/**
 * A document refused: the reason and where, as a byte offset into the UTF-8 input ({@code documentLess}: an error
 * Python reports with an empty {@code doc} at position 0, such as invalid UTF-8). Thrown without a stack trace: it is
 * control flow from the parser to its entry point, never seen outside this bundle.
 */
final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final String NOT_UTF8 = "str is not valid UTF-8: surrogates not allowed";
    static final String EMPTY = "Input is a zero-length, empty document";
    static final String WRONG_TYPE = "Input must be bytes, bytearray, memoryview, or str";
    static final String END = "unexpected end of data";

    final int offset;
    final boolean documentLess;

    private Failure(String reason, int offset, boolean documentLess) {
        super(reason, null, false, false);
        this.offset = offset;
        this.documentLess = documentLess;
    }

    static Failure at(String reason, int offset) {
        return new Failure(reason, offset, false);
    }

    static Failure withoutDocument(String reason) {
        return new Failure(reason, 0, true);
    }

    String reason() {
        return getMessage();
    }
}
