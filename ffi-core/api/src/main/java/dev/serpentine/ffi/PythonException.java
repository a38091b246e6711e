package dev.serpentine.ffi;

/**
 * A Python exception raised by the interpreter, carried into Java with its type name, message and formatted
 * traceback (empty when Python gave none).
 */
public class PythonException extends SerpentineException {
    private static final long serialVersionUID = 1L;

    private final String pythonType;
    private final String pythonMessage;
    private final String traceback;

    public PythonException(String pythonType, String pythonMessage, String traceback) {
        super(pythonType + (pythonMessage.isEmpty() ? "" : ": " + pythonMessage));
        this.pythonType = pythonType;
        this.pythonMessage = pythonMessage;
        this.traceback = traceback;
    }

    /** The qualified type name, e.g. {@code ValueError} or {@code json.decoder.JSONDecodeError}. */
    public String pythonType() {
        return pythonType;
    }

    /** {@code str(exception)}. */
    public String pythonMessage() {
        return pythonMessage;
    }

    /** The traceback as {@code traceback.format_exception} prints it, or "" when there is none. */
    public String traceback() {
        return traceback;
    }
}
