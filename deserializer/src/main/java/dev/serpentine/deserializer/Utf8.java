package dev.serpentine.deserializer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** UTF-8 as the contract wants it: validated strictly before parsing, and offsets turned into character positions. */
final class Utf8 {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {
    }

    /**
     * Throws unless {@code in[0, len)} is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
     * U+10FFFF, no truncated sequence) without a byte order mark.
     */
    static void validate(byte[] in, int len) {
        if (len >= 3 && in[0] == (byte) 0xEF && in[1] == (byte) 0xBB && in[2] == (byte) 0xBF) {
            throw Failure.withoutDocument("UTF-8 byte order mark (BOM) is not supported");
        }
        int i = 0;
        while (i < len) {
            if (i + 8 <= len && ((long) LONGS.get(in, i) & HIGH_BITS) == 0) { // eight ASCII bytes at once
                i += 8;
                continue;
            }
            int b = in[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xff;
            if (b < 0xC2) throw notUtf8(); // a continuation byte first, or an overlong 2-byte form
            if (b < 0xE0) {
                if (i + 1 >= len || !continuation(in[i + 1])) throw notUtf8();
                i += 2;
            } else if (b < 0xF0) {
                if (i + 2 >= len) throw notUtf8();
                int b1 = in[i + 1] & 0xff;
                if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F) || !continuation(in[i + 1]) || !continuation(in[i + 2])) {
                    throw notUtf8(); // overlong (E0 80..9F) or a surrogate (ED A0..BF)
                }
                i += 3;
            } else if (b < 0xF5) {
                if (i + 3 >= len) throw notUtf8();
                int b1 = in[i + 1] & 0xff;
                if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F) || !continuation(in[i + 1])
                        || !continuation(in[i + 2]) || !continuation(in[i + 3])) {
                    throw notUtf8(); // overlong (F0 80..8F) or above U+10FFFF (F4 90..)
                }
                i += 4;
            } else {
                throw notUtf8();
            }
        }
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    static Failure notUtf8() {
        return Failure.withoutDocument(Failure.NOT_UTF8);
    }

    /** Code points before byte {@code offset} (a Python {@code str} index). */
    static int codePoints(byte[] in, int offset) {
        int n = 0;
        for (int i = 0; i < offset; i++) {
            if ((in[i] & 0xC0) != 0x80) n++;
        }
        return n;
    }

    /** UTF-16 units before byte {@code offset} (a Java {@code String} index): a 4-byte sequence is two. */
    static int utf16Units(byte[] in, int offset) {
        int n = 0;
        for (int i = 0; i < offset; i++) {
            int b = in[i] & 0xff;
            if ((b & 0xC0) != 0x80) n += b >= 0xF0 ? 2 : 1;
        }
        return n;
    }

    /** Appends the UTF-8 form of code point {@code cp} (not a surrogate) at {@code out[at]}; returns the new end. */
    static int put(byte[] out, int at, int cp) {
        if (cp < 0x80) {
            out[at] = (byte) cp;
            return at + 1;
        }
        if (cp < 0x800) {
            out[at] = (byte) (0xC0 | cp >>> 6);
            out[at + 1] = (byte) (0x80 | cp & 0x3F);
            return at + 2;
        }
        if (cp < 0x10000) {
            out[at] = (byte) (0xE0 | cp >>> 12);
            out[at + 1] = (byte) (0x80 | cp >>> 6 & 0x3F);
            out[at + 2] = (byte) (0x80 | cp & 0x3F);
            return at + 3;
        }
        out[at] = (byte) (0xF0 | cp >>> 18);
        out[at + 1] = (byte) (0x80 | cp >>> 12 & 0x3F);
        out[at + 2] = (byte) (0x80 | cp >>> 6 & 0x3F);
        out[at + 3] = (byte) (0x80 | cp & 0x3F);
        return at + 4;
    }

    /** Java text as UTF-8 into {@code out} (at least 3 bytes a char); a lone surrogate is refused. Returns the length. */
    static int encode(CharSequence s, byte[] out) {
        int at = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[at++] = (byte) c;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                at = put(out, at, Character.toCodePoint(c, s.charAt(++i)));
            } else if (Character.isSurrogate(c)) {
                throw notUtf8();
            } else {
                at = put(out, at, c);
            }
        }
        return at;
    }
}
