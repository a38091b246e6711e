package dev.serpentine.ffi.binding;

/**
 * A StackOverflowError at a chosen point, before something is taken that a later overflow would leave taken (the
 * GIL, a lock), or before a native frame that calls back into Java (an exception out of an FFM upcall ends the JVM).
 * HotSpot checks the stack at each method entry, so once a call chain of some depth has gone down and come back
 * from here, any shallower chain from here fits too.
 */
public final class StackReserve {

    private StackReserve() {
    }

    /**
     * Goes about {@code frames} frames of at least 80 bytes each (eight longs kept live across each call, so even
     * compiled frames keep them) down the stack and back.
     *
     * @throws StackOverflowError when that much stack is not left
     */
    public static void check(int frames) {
        descend(frames, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    private static long descend(int n, long a, long b, long c, long d, long e, long f, long g, long h) {
        if (n <= 0) return a;
        long r = descend(n - 1, h, a, b, c, d, e, f, g);
        return r + (a ^ b) + (c ^ d) + (e ^ f) + (g ^ h); // all eight live across the call
    }
}
