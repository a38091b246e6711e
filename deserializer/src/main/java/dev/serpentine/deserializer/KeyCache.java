package dev.serpentine.deserializer;

import dev.serpentine.ffi.binding.CPythonBinding;

import java.util.Arrays;

/**
 * Dict keys of up to {@value #MAX_KEY_BYTES} bytes, keyed by their bytes in the document (the escaped form: equal
 * bytes always decode to equal text), so a repeated key is one {@code str} whose hash CPython computed once. A hit
 * compares the bytes; a hash only picks the slot. Direct-mapped and bounded; the process keeps it, as orjson does.
 *
 * <p>A hit hands out a <em>borrowed</em> reference that a parse keeps on its value stack until the dict takes it. So
 * a str evicted while any parse is running (a nested {@code loads} from a {@code __del__}, another thread while a
 * {@code __del__} released the GIL) is not released until the last parse has ended. Needs the GIL throughout.
 */
final class KeyCache {

    static final int MAX_KEY_BYTES = 64;
    private static final int SLOTS = 2048;

    private final CPythonBinding py;
    private final byte[][] keys = new byte[SLOTS][];
    private final long[] strs = new long[SLOTS];
    private long[] evicted = new long[16];
    private int evictedCount;
    private int parses;

    KeyCache(CPythonBinding py) {
        this.py = py;
    }

    static int slot(byte[] in, int from, int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) h = (h ^ in[i]) * 0x01000193;
        return (h ^ h >>> 15) & (SLOTS - 1);
    }

    /** The cached str of key bytes {@code in[from, to)} in {@code slot} (borrowed), or 0. */
    long get(int slot, byte[] in, int from, int to) {
        byte[] k = keys[slot];
        return k != null && Arrays.equals(k, 0, k.length, in, from, to) ? strs[slot] : 0;
    }

    /** Keeps {@code str} (a new reference, which the cache now owns) for {@code in[from, to)}; returns it borrowed. */
    long put(int slot, byte[] in, int from, int to, long str) {
        long old = strs[slot];
        if (old != 0) {
            if (evictedCount == evicted.length) evicted = Arrays.copyOf(evicted, evictedCount * 2);
            evicted[evictedCount++] = old;
        }
        keys[slot] = Arrays.copyOfRange(in, from, to);
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
