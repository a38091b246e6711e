package dev.serpentine.deserializer;

import dev.serpentine.ffi.binding.CPythonBinding;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Dict keys of up to {@value #MAX_KEY_BYTES} bytes, keyed by their bytes in the document (equal bytes without escapes
 * always decode to equal text), so a repeated key is one {@code str} whose hash CPython computed once. A key is read,
 * hashed and compared eight bytes at a time; a hit compares every byte, a hash only picks the slot. Direct-mapped and bounded; the process keeps it, as orjson does.
 *
 * <p>A hit hands out a <em>borrowed</em> reference that a parse keeps on its value stack until the dict takes it. So
 * a str evicted while any parse is running (a nested {@code loads} from a {@code __del__}, another thread while a
 * {@code __del__} released the GIL) is not released until the last parse has ended. Needs the GIL throughout.
 */
final class KeyCache {

    static final int MAX_KEY_BYTES = 64;
    /** Words a staged key may fill: {@value #MAX_KEY_BYTES} bytes, and the word holding the closing quote. */
    static final int STAGE_WORDS = MAX_KEY_BYTES / Long.BYTES + 1;
    private static final int KEY_WORDS = MAX_KEY_BYTES / Long.BYTES;
    private static final int SLOT_BITS = 11;
    private static final int SLOTS = 1 << SLOT_BITS;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final CPythonBinding py;
    /** Per slot, its key's bytes as little-endian words, the last one zero-padded; {@link #lengths} tells how many. */
    private final long[] keyWords = new long[SLOTS * KEY_WORDS];
    private final int[] lengths = new int[SLOTS];
    private final long[] strs = new long[SLOTS];
    private long[] evicted = new long[16];
    private int evictedCount;
    private int parses;

    KeyCache(CPythonBinding py) {
        this.py = py;
    }

    /**
     * Stages the key whose text starts at {@code in[from]} into {@code words} (little-endian, the last word
     * zero-padded), eight bytes at a time, and returns the index of its closing quote; or -1 when the key is not
     * cached: longer than {@value #MAX_KEY_BYTES} bytes, holding an escape, or not closed before {@code len}.
     */
    static int stage(byte[] in, int from, int len, long[] words) {
        int p = from;
        for (int w = 0; w < STAGE_WORDS; w++, p += Long.BYTES) {
            long x = p + Long.BYTES <= len ? (long) LONGS.get(in, p) : tail(in, p, len);
            long quote = x ^ 0x2222222222222222L;
            long backslash = x ^ 0x5C5C5C5C5C5C5C5CL;
            // The lowest marked byte is exactly the first '"' or '\\' (higher marks may be borrows).
            long stop = ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash) & HIGHS;
            if (stop == 0) {
                if (p + Long.BYTES >= len) return -1;
                words[w] = x;
                continue;
            }
            int k = Long.numberOfTrailingZeros(stop) >>> 3;
            if (in[p + k] != '"' || w * Long.BYTES + k > MAX_KEY_BYTES) return -1;
            words[w] = x & ~(-1L << (k << 3));
            return p + k;
        }
        return -1;
    }

    /** The bytes {@code in[p, len)} (fewer than eight) as a word, zero-padded: no zero byte is a quote or an escape. */
    private static long tail(byte[] in, int p, int len) {
        long x = 0;
        for (int i = len - 1; i >= p; i--) x = x << 8 | (in[i] & 0xFF);
        return x;
    }

    /** The slot of a staged key of {@code length} bytes. */
    static int slot(long[] words, int length) {
        long h = length;
        for (int i = 0, n = wordCount(length); i < n; i++) h = (h ^ words[i]) * 0x9E3779B97F4A7C15L;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h >>> (Long.SIZE - SLOT_BITS));
    }

    private static int wordCount(int length) {
        return (length + Long.BYTES - 1) >>> 3;
    }

    /** The cached str of the staged key (borrowed), or 0. */
    long get(int slot, long[] words, int length) {
        if (strs[slot] == 0 || lengths[slot] != length) return 0;
        int base = slot * KEY_WORDS;
        for (int i = 0, n = wordCount(length); i < n; i++) if (keyWords[base + i] != words[i]) return 0;
        return strs[slot];
    }

    /** Keeps {@code str} (a new reference, which the cache now owns) for the staged key; returns it borrowed. */
    long put(int slot, long[] words, int length, long str) {
        long old = strs[slot];
        if (old != 0) {
            if (evictedCount == evicted.length) evicted = Arrays.copyOf(evicted, evictedCount * 2);
            evicted[evictedCount++] = old;
        }
        System.arraycopy(words, 0, keyWords, slot * KEY_WORDS, wordCount(length));
        lengths[slot] = length;
        strs[slot] = str;
        return str;
    }

    void parseStarted() {
        parses++;
    }

    /** Releases what was evicted once no parse holds borrowed keys any more. */
    void parseEnded() {
        if (--parses > 0 || evictedCount == 0) return;
        int n = evictedCount;
        long[] drop = evicted;
        evicted = new long[16];
        evictedCount = 0;
        for (int i = 0; i < n; i++) py.Py_DecRef(drop[i]); // a str's deallocation runs no Python code
    }

    /** Live entries (tests). */
    int size() {
        int n = 0;
        for (long s : strs) if (s != 0) n++;
        return n;
    }

    /** Whether {@code str} is held by the cache (tests). */
    boolean holds(long str) {
        for (long s : strs) if (s == str) return true;
        return false;
    }
}
