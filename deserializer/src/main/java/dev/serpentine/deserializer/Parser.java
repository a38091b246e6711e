package dev.serpentine.deserializer;

import ch.randelshofer.fastdoubleparser.JsonDoubleParser;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.SoftReference;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One pass over validated UTF-8 straight into Python objects, with an explicit stack (no Java recursion, so depth
 * costs heap, not thread stack). Children wait on a value stack as references and become a container only when it
 * closes, sized exactly: a half-built container never exists, and on a refusal the stack's references are dropped.
 *
 * <p>A value-stack entry with bit 0 set is <em>borrowed</em> (a singleton, a small int, a cached key): stored in a
 * dict with no call at all, increfed only when a list steals it. Object addresses are at least 8-aligned.
 *
 * <p>One parser serves one call at a time; {@link Deserializer} hands a busy thread's nested call a fresh one.
 */
final class Parser {

    static final int MAX_DEPTH = 1024;
    private static final long BORROWED = 1;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long SPACES = 0x2020202020202020L;

    /** Bytes that end the fast scan of a string: '"', '\\', controls, and every non-ASCII byte. */
    private static final boolean[] STRING_STOP = new boolean[256];

    static {
        for (int b = 0; b < 0x20; b++) STRING_STOP[b] = true;
        for (int b = 0x80; b < 0x100; b++) STRING_STOP[b] = true;
        STRING_STOP['"'] = true;
        STRING_STOP['\\'] = true;
    }

    private final Decoding d;
    private final CPythonBinding py;
    private final NativeMemory mem;

    /** The input: UTF-8, validated; either a caller's array or {@link #scratchInput}. */
    private byte[] in;
    private int len;
    private int pos;

    private long[] values = new long[256];
    private int top;
    /** Per open container: where its children start on the value stack; objects are negative ({@code ~start}). */
    private final int[] frames = new int[MAX_DEPTH];
    private int depth;

    private byte[] scratchInput = new byte[0];
    private SoftReference<byte[]> largeInput = new SoftReference<>(null);
    private int[] codePoints = new int[64];
    private byte[] bytes = new byte[64];
    private char[] chars = new char[64];
    /** The key being looked up in the cache, staged as words (per parse: a nested parse must not clobber it). */
    private final long[] keyWords = new long[KeyCache.STAGE_WORDS];

    boolean busy;

    Parser(Decoding d) {
        this.d = d;
        this.py = d.py;
        this.mem = d.mem;
    }

    /**
     * An input buffer of at least {@code n} bytes, kept for the next call; a large one only softly, so the GC can take
     * it back. (A fresh multi-megabyte array per call, zeroed and often humongous for G1, cost more than the parse.)
     */
    byte[] inputBuffer(int n) {
        if (scratchInput.length < n) {
            byte[] kept = largeInput.get();
            scratchInput = kept != null && kept.length >= n ? kept : new byte[Math.max(n, 4096)];
        }
        return scratchInput;
    }

    /** Keeps no large buffer strongly between calls (the memory would stay with the thread). */
    void trim() {
        if (scratchInput.length > 1 << 20) {
            if (largeInput.get() != scratchInput) largeInput = new SoftReference<>(scratchInput);
            scratchInput = new byte[0];
        }
        if (codePoints.length > 1 << 16) codePoints = new int[64];
        if (bytes.length > 1 << 16) bytes = new byte[64];
        if (chars.length > 1 << 16) chars = new char[64];
        in = null;
    }

    /**
     * The Python value of {@code in[0, len)} (validated UTF-8, not empty): a new reference.
     *
     * @throws Failure for a malformed document (nothing is left allocated)
     * @throws OutOfMemoryError when CPython could not allocate (its MemoryError is pending)
     */
    long parse(byte[] input, int length) {
        this.in = input;
        this.len = length;
        this.pos = 0;
        this.top = 0;
        this.depth = 0;
        d.keys.parseStarted();
        try {
            long result = document();
            return result;
        } catch (RuntimeException | Error e) {
            dropStack();
            throw e;
        } finally {
            d.keys.parseEnded();
        }
    }

    private void dropStack() {
        for (int i = 0; i < top; i++) {
            long v = values[i];
            if ((v & BORROWED) == 0 && v != 0) py.Py_DecRef(v); // our own ints, floats, strs, lists, dicts: no __del__
        }
        top = 0;
        depth = 0;
    }

    // --- the grammar ----------------------------------------------------------------------------------------------

    private static final int VALUE = 0;
    private static final int AFTER_VALUE = 1;
    private static final int KEY = 2;

    private long document() {
        skipWhitespace();
        if (pos == len) throw Failure.at("input data is empty", 0);
        int state = VALUE;
        while (true) {
            if (state == VALUE) {
                state = value();
            } else if (state == AFTER_VALUE) {
                if (depth == 0) {
                    skipWhitespace();
                    if (pos != len) throw Failure.at("unexpected content after document", pos);
                    long v = values[0];
                    top = 0;
                    if ((v & BORROWED) != 0) {
                        v &= ~BORROWED;
                        py.Py_IncRef(v);
                    }
                    return v;
                }
                state = afterValue();
            } else {
                key();
                state = VALUE;
            }
        }
    }

    /** A value at {@code pos} (after whitespace); returns the next state. */
    private int value() {
        if (pos >= len) throw Failure.at(Failure.END, len);
        byte c = in[pos];
        switch (c) {
            case '"':
                push(string(pos));
                return AFTER_VALUE;
            case '{':
                return open(false);
            case '[':
                return open(true);
            case 't':
                literal("true");
                push(d.trueObject | BORROWED);
                return AFTER_VALUE;
            case 'f':
                literal("false");
                push(d.falseObject | BORROWED);
                return AFTER_VALUE;
            case 'n':
                literal("null");
                push(d.none | BORROWED);
                return AFTER_VALUE;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    push(number());
                    return AFTER_VALUE;
                }
                throw Failure.at("unexpected character, expected a JSON value", pos);
        }
    }

    private int open(boolean array) {
        if (depth == MAX_DEPTH) throw Failure.at("depth limit exceeded", pos);
        pos++;
        skipWhitespace();
        if (pos < len && in[pos] == (array ? ']' : '}')) { // empty: made at once, no frame
            pos++;
            push(array ? emptyList() : emptyDict());
            return AFTER_VALUE;
        }
        frames[depth++] = array ? top : ~top;
        return array ? VALUE : KEY;
    }

    /** After a value inside a container: ',' and the next member, or the container's end. */
    private int afterValue() {
        skipWhitespace();
        if (pos >= len) throw Failure.at(Failure.END, len);
        int frame = frames[depth - 1];
        boolean array = frame >= 0;
        byte c = in[pos];
        if (c == ',') {
            int comma = pos++;
            skipWhitespace();
            if (pos < len && in[pos] == (array ? ']' : '}')) throw Failure.at("trailing comma is not allowed", comma);
            return array ? VALUE : KEY;
        }
        if (array && c == ']') {
            pos++;
            depth--;
            closeList(frame);
            return AFTER_VALUE;
        }
        if (!array && c == '}') {
            pos++;
            depth--;
            closeDict(~frame);
            return AFTER_VALUE;
        }
        throw Failure.at(array ? "unexpected character, expected ',' or ']'" : "unexpected character, expected ',' or '}'", pos);
    }

    /** An object member's key and the ':' after it; leaves {@code pos} at the value (whitespace skipped). */
    private void key() {
        if (pos >= len) throw Failure.at(Failure.END, len);
        if (in[pos] != '"') throw Failure.at("unexpected character, expected a string key", pos);
        push(cachedKey());
        skipWhitespace();
        if (pos >= len) throw Failure.at(Failure.END, len);
        if (in[pos] != ':') throw Failure.at("unexpected character, expected ':' after an object key", pos);
        pos++;
        skipWhitespace();
    }

    private void skipWhitespace() {
        int p = pos;
        byte[] b = in;
        int n = len;
        if (p < n && b[p] > ' ') return; // compact documents: nothing to skip
        while (p < n) {
            if (p + Long.BYTES <= n) { // indentation: the spaces of the next eight bytes in one step
                long x = (long) LONGS.get(b, p) ^ SPACES;
                if (x == 0) {
                    p += Long.BYTES;
                    continue;
                }
                p += Long.numberOfTrailingZeros(x) >>> 3;
            }
            byte c = b[p];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
            p++;
        }
        pos = p;
    }

    private void literal(String word) {
        int n = word.length();
        for (int i = 0; i < n; i++) {
            if (pos + i >= len) throw Failure.at(Failure.END, len);
            if (in[pos + i] != word.charAt(i)) throw Failure.at("invalid literal, expected '" + word + "'", pos);
        }
        pos += n;
    }

    private void push(long v) {
        if (top == values.length) values = Arrays.copyOf(values, top * 2);
        values[top++] = v;
    }

    // --- containers -----------------------------------------------------------------------------------------------

    private long emptyList() {
        long l = py.PyList_New(0);
        if (l == 0) throw outOfMemory();
        return l;
    }

    private long emptyDict() {
        long o = py.PyDict_New();
        if (o == 0) throw outOfMemory();
        return o;
    }

    /** The list of the values from {@code start} to the top: the list steals them. */
    private void closeList(int start) {
        int n = top - start;
        long list = py.PyList_New(n); // may collect garbage and run a __del__ (3.9–3.11): our stack is consistent
        if (list == 0) throw outOfMemory();
        long[] v = values;
        for (int i = start; i < top; i++) {
            long item = v[i];
            if ((item & BORROWED) != 0) {
                item &= ~BORROWED;
                py.Py_IncRef(item);
                v[i] = item;
            }
        }
        mem.copyFromArray(v, start, d.list.items(list), n);
        top = start;
        push(list);
    }

    /** The dict of the key/value pairs from {@code start} to the top: a later duplicate key replaces the value in place. */
    private void closeDict(int start) {
        int pairs = (top - start) >> 1;
        long dict = py._PyDict_NewPresized(pairs);
        if (dict == 0) throw outOfMemory();
        long[] v = values;
        int i = start;
        try {
            for (; i < top; i += 2) {
                long key = v[i];
                long value = v[i + 1];
                // Leaf calls: the dict is presized, its keys exact strs, every value one this parse made or a
                // singleton, and a str, int, float, list or dict of those runs no Python code when freed.
                if (py.PyDict_SetItemLeaf(dict, key & ~BORROWED, value & ~BORROWED) != 0) throw outOfMemory();
                v[i] = 0;
                v[i + 1] = 0;
                if ((key & BORROWED) == 0) py.Py_DecRefLeaf(key);
                if ((value & BORROWED) == 0) py.Py_DecRefLeaf(value);
            }
        } catch (RuntimeException | Error e) {
            py.Py_DecRef(dict);
            throw e;
        }
        top = start;
        push(dict);
    }

    private OutOfMemoryError outOfMemory() {
        return new OutOfMemoryError("CPython could not allocate");
    }

    // --- strings --------------------------------------------------------------------------------------------------

    /** A key: from the cache when short (borrowed), else a new str. Leaves {@code pos} after the closing quote. */
    private long cachedKey() {
        int open = pos;
        int end = KeyCache.stage(in, open + 1, len, keyWords);
        if (end < 0) return string(open);
        int n = end - open - 1;
        int slot = KeyCache.slot(keyWords, n);
        long hit = d.keys.get(slot, keyWords, n);
        if (hit != 0) {
            pos = end + 1;
            return hit | BORROWED;
        }
        long s = string(open);
        return d.keys.put(slot, keyWords, n, s) | BORROWED;
    }

    /** The string whose opening quote is at {@code open}: a new str. Leaves {@code pos} after the closing quote. */
    private long string(int open) {
        byte[] b = in;
        int p = open + 1;
        int n = len;
        while (p < n && !STRING_STOP[b[p] & 0xff]) p++;
        if (p < n && b[p] == '"') { // ASCII without escapes: the bytes are the characters
            int count = p - open - 1;
            long s = newStr(count, 0x7F);
            if (count > 0) mem.copyFromArray(b, open + 1, d.str.data(s), count);
            pos = p + 1;
            return s;
        }
        return decodedString(open);
    }

    private long newStr(int length, int maxChar) {
        long s = py.PyUnicode_New(length, maxChar);
        if (s == 0) throw outOfMemory();
        return s;
    }

    /** A string with escapes or non-ASCII text: decoded to code points, then written at its final kind. */
    private long decodedString(int open) {
        byte[] b = in;
        int p = open + 1;
        int count = 0;
        int max = 0;
        int[] cps = codePoints;
        while (true) {
            if (p >= len) throw Failure.at(Failure.END, len);
            int c = b[p];
            if (c == '"') break;
            if (count == cps.length) cps = codePoints = Arrays.copyOf(cps, count * 2);
            int cp;
            if (c >= 0x20 && c != '\\') {
                cp = c;
                p++;
            } else if (c >= 0) {
                if (c < 0x20) throw Failure.at("unexpected control character in string", p);
                int escape = p;
                if (p + 1 >= len) throw Failure.at(Failure.END, len);
                switch (b[p + 1]) {
                    case '"': cp = '"'; p += 2; break;
                    case '\\': cp = '\\'; p += 2; break;
                    case '/': cp = '/'; p += 2; break;
                    case 'b': cp = '\b'; p += 2; break;
                    case 'f': cp = '\f'; p += 2; break;
                    case 'n': cp = '\n'; p += 2; break;
                    case 'r': cp = '\r'; p += 2; break;
                    case 't': cp = '\t'; p += 2; break;
                    case 'u':
                        cp = hex4(p + 2, escape);
                        p += 6;
                        if (cp >= 0xDC00 && cp <= 0xDFFF) throw Failure.at("invalid high surrogate in string", escape);
                        if (cp >= 0xD800 && cp <= 0xDBFF) {
                            if (p >= len) throw Failure.at(Failure.END, len);
                            if (b[p] != '\\') throw Failure.at("no low surrogate in string", escape);
                            if (p + 1 >= len) throw Failure.at(Failure.END, len);
                            if (b[p + 1] != 'u') throw Failure.at("no low surrogate in string", escape);
                            int low = hex4(p + 2, p);
                            if (low < 0xDC00 || low > 0xDFFF) throw Failure.at("invalid low surrogate in string", p);
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                            p += 6;
                        }
                        break;
                    default:
                        throw Failure.at("invalid escaped sequence in string", escape);
                }
            } else { // a validated multi-byte sequence
                int lead = c & 0xff;
                if (lead < 0xE0) {
                    cp = (lead & 0x1F) << 6 | (b[p + 1] & 0x3F);
                    p += 2;
                } else if (lead < 0xF0) {
                    cp = (lead & 0x0F) << 12 | (b[p + 1] & 0x3F) << 6 | (b[p + 2] & 0x3F);
                    p += 3;
                } else {
                    cp = (lead & 0x07) << 18 | (b[p + 1] & 0x3F) << 12 | (b[p + 2] & 0x3F) << 6 | (b[p + 3] & 0x3F);
                    p += 4;
                }
            }
            cps[count++] = cp;
            if (cp > max) max = cp;
        }
        pos = p + 1;
        return strOf(cps, count, max);
    }

    /** The value of 4 hex digits at {@code at} (either case); a refusal points at the escape's backslash. */
    private int hex4(int at, int escape) {
        if (at + 4 > len) {
            for (int i = at; i < len; i++) if (hexDigit(in[i]) < 0) throw Failure.at("invalid escaped sequence in string", escape);
            throw Failure.at(Failure.END, len);
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int h = hexDigit(in[at + i]);
            if (h < 0) throw Failure.at("invalid escaped sequence in string", escape);
            v = v << 4 | h;
        }
        return v;
    }

    private static int hexDigit(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /** A new str of {@code cps[0, count)}, created at the kind {@code max} needs and filled with one copy. */
    long strOf(int[] cps, int count, int max) {
        long s = newStr(count, max);
        if (count == 0) return s;
        long data = d.str.data(s);
        if (max < 0x100) {
            byte[] out = bytes.length >= count ? bytes : (bytes = new byte[Math.max(count, bytes.length * 2)]);
            for (int i = 0; i < count; i++) out[i] = (byte) cps[i];
            mem.copyFromArray(out, 0, data, count);
        } else if (max < 0x10000) {
            char[] out = chars.length >= count ? chars : (chars = new char[Math.max(count, chars.length * 2)]);
            for (int i = 0; i < count; i++) out[i] = (char) cps[i];
            mem.copyFromArray(out, 0, data, count);
        } else {
            mem.copyFromArray(cps, 0, data, count);
        }
        return s;
    }

    /** The whole of validated UTF-8 {@code in[0, n)} as a new str (the {@code doc} of an error). */
    long text(byte[] input, int n) {
        int[] cps = new int[n];
        int count = 0;
        int max = 0;
        for (int p = 0; p < n; ) {
            int lead = input[p] & 0xff;
            int cp;
            if (lead < 0x80) {
                cp = lead;
                p++;
            } else if (lead < 0xE0) {
                cp = (lead & 0x1F) << 6 | (input[p + 1] & 0x3F);
                p += 2;
            } else if (lead < 0xF0) {
                cp = (lead & 0x0F) << 12 | (input[p + 1] & 0x3F) << 6 | (input[p + 2] & 0x3F);
                p += 3;
            } else {
                cp = (lead & 0x07) << 18 | (input[p + 1] & 0x3F) << 12 | (input[p + 2] & 0x3F) << 6 | (input[p + 3] & 0x3F);
                p += 4;
            }
            cps[count++] = cp;
            if (cp > max) max = cp;
        }
        return strOf(cps, count, max);
    }

    // --- numbers --------------------------------------------------------------------------------------------------

    /** 2^64 / 10, rounded down: above it, one more digit overflows 64 bits unsigned. */
    private static final long UNSIGNED_TENTH = 1844674407370955161L;

    private long number() {
        byte[] b = in;
        int start = pos;
        int p = pos;
        boolean negative = b[p] == '-';
        if (negative) p++;
        if (p >= len) throw Failure.at("no digit after minus sign", p);
        int firstDigit = p;
        long magnitude = 0;
        boolean overflow = false;
        byte c = b[p];
        if (c == '0') {
            p++;
            if (p < len && b[p] >= '0' && b[p] <= '9') throw Failure.at("number with leading zero is not allowed", firstDigit);
        } else if (c >= '1' && c <= '9') {
            while (p < len && (c = b[p]) >= '0' && c <= '9') {
                int digit = c - '0';
                if (!overflow) {
                    if (Long.compareUnsigned(magnitude, UNSIGNED_TENTH) > 0) {
                        overflow = true;
                    } else {
                        long next = magnitude * 10 + digit;
                        if (Long.compareUnsigned(next, magnitude * 10) < 0) overflow = true;
                        else magnitude = next;
                    }
                }
                p++;
            }
        } else {
            throw Failure.at("no digit after minus sign", p);
        }
        boolean integer = true;
        if (p < len && b[p] == '.') {
            integer = false;
            p++;
            if (p >= len) throw Failure.at(Failure.END, len);
            if (b[p] < '0' || b[p] > '9') throw Failure.at("no digit after decimal point", p);
            while (p < len && b[p] >= '0' && b[p] <= '9') p++;
        }
        if (p < len && (b[p] == 'e' || b[p] == 'E')) {
            integer = false;
            p++;
            if (p < len && (b[p] == '+' || b[p] == '-')) p++;
            if (p >= len) throw Failure.at(Failure.END, len);
            if (b[p] < '0' || b[p] > '9') throw Failure.at("no digit in exponent", p);
            while (p < len && b[p] >= '0' && b[p] <= '9') p++;
        }
        pos = p;
        if (integer && !overflow) {
            if (!negative) {
                if (magnitude >= 0 && magnitude <= Decoding.SMALL_MAX) return d.smallInts[(int) magnitude - Decoding.SMALL_MIN] | BORROWED;
                long v = magnitude < 0 ? py.PyLong_FromUnsignedLongLong(magnitude) : py.PyLong_FromLongLong(magnitude);
                if (v == 0) throw outOfMemory();
                return v;
            }
            if (Long.compareUnsigned(magnitude, Long.MIN_VALUE) <= 0) { // down to -2^63
                long value = -magnitude;
                if (value >= Decoding.SMALL_MIN) return d.smallInts[(int) value - Decoding.SMALL_MIN] | BORROWED;
                long v = py.PyLong_FromLongLong(value);
                if (v == 0) throw outOfMemory();
                return v;
            }
        }
        double value = JsonDoubleParser.parseDouble(b, start, p - start);
        if (Double.isInfinite(value)) throw Failure.at("number is infinity when parsed as double", start);
        long f = py.PyFloat_FromDouble(value);
        if (f == 0) throw outOfMemory();
        return f;
    }
}
