package dev.serpentine.ffi.binding;

import java.lang.ref.Cleaner;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Which thread holds the GIL, as Java knows it, and the releases waiting for the GIL.
 *
 * <p>Whoever takes the GIL to run Java code (the bridge's tasks and upcalls) marks the thread with {@link #enter()}
 * right after taking it and {@link #exit()} right before releasing it; entry points that need the GIL ask
 * {@link #holds()}. {@code PyGILState_Check} cannot answer this: once a sub-interpreter has been created, CPython
 * disables it for good and it answers 1 on every thread.
 *
 * <p>A {@code Cleaner} must never touch Python (its thread does not hold the GIL, and taking it there could deadlock
 * against a thread that waits for the cleaner), so it hands its release to {@link #releaseLater}; the next GIL entry
 * runs it through {@link #releaseDeferred()}. {@link #backstop} ties the two together for a handle that owns
 * something only the GIL may release (a buffer, a {@code PyMem} block).
 */
public final class GilOwnership {

    /** Per thread: [0] how deep it is in marked GIL scopes, [1] 1 while it runs the deferred releases. */
    private static final ThreadLocal<int[]> STATE = ThreadLocal.withInitial(() -> new int[2]);
    private static final ConcurrentLinkedQueue<Runnable> DEFERRED = new ConcurrentLinkedQueue<>();
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "serpentine-gil-cleaner");
        t.setDaemon(true);
        return t;
    });
    private static final System.Logger LOG = System.getLogger(GilOwnership.class.getName());

    private GilOwnership() {
    }

    /** Marks this thread as holding the GIL, one scope deeper: call right after taking it. */
    public static void enter() {
        STATE.get()[0]++;
    }

    /** Leaves one scope: call right before releasing the GIL. */
    public static void exit() {
        STATE.get()[0]--;
    }

    /**
     * The upcall fast path (one thread-local read): enters a scope unless {@code limit} are open already, returning
     * the array whose element 0 to decrement on leaving, or null when one more scope would nest too deep.
     */
    public static int[] enterBelow(int limit) {
        int[] state = STATE.get();
        if (state[0] >= limit) return null;
        state[0]++;
        return state;
    }

    /**
     * This thread's state array, element 0 counting its scopes: for a GIL entry that must do nothing but an array
     * store between taking the GIL and the {@code try} that releases it.
     */
    public static int[] scopes() {
        return STATE.get();
    }

    /** Whether this thread holds the GIL inside a marked scope. */
    public static boolean holds() {
        return STATE.get()[0] > 0;
    }

    /** How many marked GIL scopes this thread is nested in. */
    public static int depth() {
        return STATE.get()[0];
    }

    /**
     * Throws unless this thread holds the GIL: for entry points that would crash CPython without it.
     *
     * @param what the operation, for the message
     */
    public static void require(String what) {
        if (!holds()) {
            throw new IllegalStateException(what + " needs the GIL: call it inside PythonRuntime.call(…) on the"
                    + " thread running the task; nothing was done");
        }
    }

    /**
     * Queues {@code release} for the next GIL entry. It runs with the GIL held, on some thread, so it must capture
     * what it frees (an address, a binding) and not the object that became unreachable.
     */
    public static void releaseLater(Runnable release) {
        DEFERRED.add(release);
    }

    /**
     * Runs the queued releases (GIL held, in a marked scope). One at a time, never from inside another: a release
     * that runs Python code which re-enters Java and takes the GIL again leaves the rest to this loop.
     */
    public static void releaseDeferred() {
        int[] state = STATE.get();
        if (state[1] != 0 || state[0] <= 0) return;
        state[1] = 1;
        try {
            for (Runnable r = DEFERRED.poll(); r != null; r = DEFERRED.poll()) {
                try {
                    r.run();
                } catch (RuntimeException e) { // not the caller's failure: its task is unrelated
                    LOG.log(System.Logger.Level.WARNING, "a deferred release failed", e);
                }
            }
        } finally {
            state[1] = 0;
        }
    }

    /**
     * A backstop for a handle forgotten while open: once {@code owner} is unreachable, {@code release} is queued for
     * the next GIL entry ({@link #releaseLater}). {@code release} must not reach {@code owner}, or it never becomes
     * unreachable. The owner's own close calls {@link Backstop#disarm()} once it has released.
     */
    public static Backstop backstop(Object owner, Runnable release) {
        return new Backstop(owner, release);
    }

    /** See {@link #backstop}. */
    public static final class Backstop {
        private final AtomicBoolean armed = new AtomicBoolean(true);
        private final Cleaner.Cleanable cleanable;

        private Backstop(Object owner, Runnable release) {
            AtomicBoolean armed = this.armed; // the action captures the flag, not this Backstop (nor the owner)
            this.cleanable = CLEANER.register(owner, () -> {
                if (armed.getAndSet(false)) releaseLater(release);
            });
        }

        /** The owner released (or handed over) what it owned: the backstop never runs. Idempotent. */
        public void disarm() {
            armed.set(false);
            cleanable.clean();
        }
    }

    /** Releases queued and not yet run, for tests. */
    public static int pendingReleases() {
        return DEFERRED.size();
    }
}
