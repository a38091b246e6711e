package dev.serpentine.ffi;

/**
 * The running interpreter does not match any ABI bundle, or a bundle's self-check failed against the live
 * interpreter. The message names the version, the field, what was expected and what was found, and the supported
 * range, so that an operator knows which bundle to install or fix.
 */
public class AbiMismatchException extends SerpentineException {
    private static final long serialVersionUID = 1L;

    private final String version;
    private final String field;
    private final String expected;
    private final String found;

    public AbiMismatchException(String version, String field, Object expected, Object found, String supported) {
        super("CPython " + version + ": " + field + " expected " + expected + " but found " + found
                + " (supported: " + supported + ")");
        this.version = version;
        this.field = field;
        this.expected = String.valueOf(expected);
        this.found = String.valueOf(found);
    }

    public String version() {
        return version;
    }

    public String field() {
        return field;
    }

    public String expected() {
        return expected;
    }

    public String found() {
        return found;
    }
}
