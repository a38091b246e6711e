package dev.serpentine.bridge.json;

import dev.serpentine.ffi.SerpentineException;

/**
 * A malformed JSON document (in Python: {@code serpentine.JSONDecodeError}). The message has Python's form
 * {@code "<reason>: line L column C (char P)"}; the position counts characters of the document as text (not bytes),
 * and line and column are computed from it as {@code json.JSONDecodeError} does (both 1-based).
 */
public class JsonDecodeException extends SerpentineException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final long position;
    private final long line;
    private final long column;

    public JsonDecodeException(String reason, long position, long line, long column) {
        super(reason + ": line " + line + " column " + column + " (char " + position + ")");
        this.reason = reason;
        this.position = position;
        this.line = line;
        this.column = column;
    }

    /** An error at character {@code position} of {@code document}, with line and column as Python computes them. */
    public static JsonDecodeException at(String reason, CharSequence document, int position) {
        int line = 1;
        int lastNewline = -1;
        for (int i = 0; i < position && i < document.length(); i++) {
            if (document.charAt(i) == '\n') {
                line++;
                lastNewline = i;
            }
        }
        return new JsonDecodeException(reason, position, line, position - lastNewline);
    }

    /** What is wrong, without the position ({@code msg} of {@code json.JSONDecodeError}). */
    public String reason() {
        return reason;
    }

    /** The character index into the document ({@code pos}). */
    public long position() {
        return position;
    }

    /** 1-based ({@code lineno}). */
    public long line() {
        return line;
    }

    /** 1-based ({@code colno}). */
    public long column() {
        return column;
    }
}
