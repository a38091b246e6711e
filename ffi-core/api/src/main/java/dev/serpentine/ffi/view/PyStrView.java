package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

import java.nio.charset.StandardCharsets;

/**
 * {@code str}: length in code points, kind (1, 2 or 4 bytes a code point), the ASCII/compact/ready state bits, the
 * characters in place, and the cached UTF-8 form when CPython has made one.
 *
 * <p>Where the characters are: compact ASCII strings right after {@code PyASCIIObject}, other compact strings after
 * {@code PyCompactUnicodeObject}, legacy strings (subclass instances) at the {@code data} pointer. 3.9–3.11 strings
 * made through the deprecated {@code Py_UNICODE} API can be <em>not ready</em>: kind 0, no data in place; for those
 * {@link #data} is 0 and callers go through {@code PyUnicode_AsUTF8AndSize}.
 */
public final class PyStrView extends View {

    public static final int KIND_1BYTE = 1;
    public static final int KIND_2BYTE = 2;
    public static final int KIND_4BYTE = 4;

    private final int kindShift;
    private final int kindMask;
    private final int compactBit;
    private final int asciiBit;
    private final int readyBit;
    private final int internedMask;
    // The offsets of the hot reads, copied out of the layout (one dependent load fewer each).
    private final long lengthOffset;
    private final long stateOffset;
    private final long asciiData;
    private final long compactData;

    PyStrView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
        this.kindShift = layout.strKindShift;
        this.kindMask = layout.strKindMask;
        this.compactBit = layout.strCompactBit;
        this.asciiBit = layout.strAsciiBit;
        this.readyBit = layout.strReadyBit;
        this.internedMask = layout.strInternedMask;
        this.lengthOffset = layout.strLength;
        this.stateOffset = layout.strState;
        this.asciiData = layout.strAsciiData;
        this.compactData = layout.strCompactData;
    }

    /** Verifies {@code o} is a {@code str} (or subclass) and returns it. */
    public long checked(long o) {
        return checkedByFlag(o, types.strType, PyTypeView.Py_TPFLAGS_UNICODE_SUBCLASS, "str");
    }

    public boolean isExact(long o) {
        return typeOf(o) == types.strType;
    }

    /** Number of code points. */
    public long length(long o) {
        return mem.getLong(o + lengthOffset);
    }

    /** The cached hash, -1 until computed. */
    public long hash(long o) {
        return mem.getLong(o + layout.strHash);
    }

    /**
     * The state word; only the masked bits mean anything (the rest is padding with garbage). A hot reader reads it
     * once and passes it to the methods that take a {@code state}.
     */
    public int state(long o) {
        return mem.getInt(o + stateOffset);
    }

    /** 1, 2 or 4 bytes a code point; 0 for a not-ready string (3.9–3.11). */
    public int kind(long o) {
        return kindOf(state(o));
    }

    /** {@link #kind} from a {@link #state}. */
    public int kindOf(int state) {
        return (state & kindMask) >>> kindShift;
    }

    public boolean isCompact(long o) {
        return isCompactState(state(o));
    }

    public boolean isCompactState(int state) {
        return (state & compactBit) != 0;
    }

    public boolean isAscii(long o) {
        return isAsciiState(state(o));
    }

    public boolean isAsciiState(int state) {
        return (state & asciiBit) != 0;
    }

    /** Whether the characters are in place (always, from 3.12). */
    public boolean isReady(long o) {
        return isReadyState(state(o));
    }

    public boolean isReadyState(int state) {
        return readyBit == 0 || (state & readyBit) != 0;
    }

    /** The interned state: 0 not interned; the other values differ by version. */
    public int interned(long o) {
        return state(o) & internedMask;
    }

    /** Address of the characters ({@code PyUnicode_DATA}), or 0 for a not-ready string. */
    public long data(long o) {
        return data(o, state(o));
    }

    /** {@link #data(long)} given the {@link #state} of {@code o}. */
    public long data(long o, int state) {
        if (!isReadyState(state)) return 0;
        if ((state & compactBit) != 0) {
            return o + ((state & asciiBit) != 0 ? asciiData : compactData);
        }
        return mem.getLong(o + layout.strLegacyData);
    }

    /** Address of the cached UTF-8 bytes (for compact ASCII strings: the characters), or 0 when none is cached. */
    public long utf8(long o) {
        return utf8(o, state(o));
    }

    /** {@link #utf8(long)} given the {@link #state} of {@code o}. */
    public long utf8(long o, int state) {
        if (isCompactAscii(state) && isReadyState(state)) return o + layout.strAsciiData;
        return mem.getLong(o + layout.strUtf8);
    }

    /** Length in bytes of the cached UTF-8 form, valid when {@link #utf8} is not 0. */
    public long utf8Length(long o) {
        return utf8Length(o, state(o));
    }

    /** {@link #utf8Length(long)} given the {@link #state} of {@code o}. */
    public long utf8Length(long o, int state) {
        return isCompactAscii(state) ? length(o) : mem.getLong(o + layout.strUtf8Length);
    }

    private boolean isCompactAscii(int state) {
        return (state & compactBit) != 0 && (state & asciiBit) != 0;
    }

    /** Code point {@code i} of a ready string. */
    public int codePoint(long o, long i) {
        int s = state(o);
        long d = data(o, s);
        if (d == 0) throw new IllegalStateException("str is not ready; read it through PyUnicode_AsUTF8AndSize");
        return switch (kindOf(s)) {
            case KIND_1BYTE -> mem.getByte(d + i) & 0xff;
            case KIND_2BYTE -> mem.getShort(d + 2 * i) & 0xffff;
            default -> mem.getInt(d + 4 * i);
        };
    }

    /**
     * The string as Java text, read in place. Lone surrogates carry over as lone UTF-16 code units.
     *
     * @throws IllegalStateException for a not-ready string
     */
    public String toJavaString(long o) {
        int s = state(o);
        long d = data(o, s);
        if (d == 0) throw new IllegalStateException("str is not ready; read it through PyUnicode_AsUTF8AndSize");
        long n = length(o);
        int kind = kindOf(s);
        byte[] raw = ViewArrays.copy(mem, d, n * kind);
        if (kind == KIND_1BYTE) return new String(raw, StandardCharsets.ISO_8859_1);
        if (kind == KIND_2BYTE) {
            char[] c = new char[(int) n];
            for (int i = 0; i < c.length; i++) c[i] = (char) ((raw[2 * i] & 0xff) | (raw[2 * i + 1] & 0xff) << 8);
            return new String(c);
        }
        int[] cps = new int[(int) n];
        for (int i = 0; i < cps.length; i++) {
            cps[i] = (raw[4 * i] & 0xff) | (raw[4 * i + 1] & 0xff) << 8 | (raw[4 * i + 2] & 0xff) << 16 | raw[4 * i + 3] << 24;
        }
        return new String(cps, 0, cps.length);
    }
}
