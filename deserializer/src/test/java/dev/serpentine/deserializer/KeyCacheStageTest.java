package dev.serpentine.deserializer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The key cache's word-at-a-time staging against a byte-at-a-time reading of the same input: every key length around
 * the limit, at every distance from the end of the array, closed, unclosed, and with an escape at each position.
 */
class KeyCacheStageTest {

    @Test
    void stagesEveryLengthAtEveryDistanceFromTheEnd() {
        for (int length = 0; length <= KeyCache.MAX_KEY_BYTES + 10; length++) {
            for (int after = 0; after <= 10; after++) {
                byte[] key = key(length);
                byte[] in = document(key, true, after);
                long[] words = new long[KeyCache.STAGE_WORDS];
                int end = KeyCache.stage(in, 1, in.length, words);
                String at = "length " + length + ", " + after + " bytes after";
                if (length > KeyCache.MAX_KEY_BYTES) {
                    assertEquals(-1, end, at);
                    continue;
                }
                assertEquals(1 + length, end, at);
                assertArrayEquals(key, unstage(words, length), at);
                long[] again = new long[KeyCache.STAGE_WORDS];
                byte[] moved = document(key, true, after + 3);
                KeyCache.stage(moved, 1, moved.length, again);
                assertEquals(KeyCache.slot(words, length), KeyCache.slot(again, length), at);
                // unclosed: the array ends inside the key
                byte[] open = document(key, false, 0);
                assertEquals(-1, KeyCache.stage(open, 1, open.length, new long[KeyCache.STAGE_WORDS]), at);
                // the limit, not the array, ends the input
                assertEquals(-1, KeyCache.stage(in, 1, 1 + length, new long[KeyCache.STAGE_WORDS]), at);
            }
        }
    }

    @Test
    void aKeyWithAnEscapeIsNotStaged() {
        for (int length = 1; length <= 20; length++) {
            for (int at = 0; at < length; at++) {
                byte[] key = key(length);
                key[at] = '\\';
                byte[] in = document(key, true, 0);
                assertEquals(-1, KeyCache.stage(in, 1, in.length, new long[KeyCache.STAGE_WORDS]), length + "/" + at);
            }
        }
    }

    @Test
    void nonAsciiKeysAreStagedByTheirBytes() {
        byte[] key = "clé-名前-🙂".getBytes(StandardCharsets.UTF_8);
        byte[] in = document(key, true, 2);
        long[] words = new long[KeyCache.STAGE_WORDS];
        assertEquals(1 + key.length, KeyCache.stage(in, 1, in.length, words));
        assertArrayEquals(key, unstage(words, key.length));
    }

    private static byte[] key(int length) {
        byte[] key = new byte[length];
        for (int i = 0; i < length; i++) key[i] = (byte) ('a' + i % 26);
        return key;
    }

    /** {@code "key"} (or {@code "key} unclosed) followed by {@code after} bytes of ": 1,…". */
    private static byte[] document(byte[] key, boolean closed, int after) {
        byte[] in = new byte[1 + key.length + (closed ? 1 : 0) + after];
        in[0] = '"';
        System.arraycopy(key, 0, in, 1, key.length);
        if (closed) in[1 + key.length] = '"';
        Arrays.fill(in, in.length - after, in.length, (byte) ':');
        return in;
    }

    private static byte[] unstage(long[] words, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte) (words[i >>> 3] >>> ((i & 7) << 3));
        for (int i = length; i < ((length + 7) & ~7); i++) {
            assertEquals(0, (byte) (words[i >>> 3] >>> ((i & 7) << 3)), "padding byte " + i);
        }
        return b;
    }
}
