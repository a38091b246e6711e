package dev.serpentine.ffi.binding;

/**
 * The Java side of {@link CPythonBinding#runPinned}, shared by the backends: a backend supplies a native call that
 * calls back into Java once on the same thread, and its callback calls {@link #runCurrent}. Nothing unwinds through
 * the C frames in between: what the action throws is kept and rethrown once the native call has returned.
 */
public final class PinnedAction {

    /** The action and its outcome, per thread; an outer action's are saved around an inner one. */
    private static final class Slot {
        Runnable action;
        Throwable thrown;
        boolean entered;
    }

    private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);
    /** Frames of {@link StackReserve} checked first: more than the way from here into the callback's {@code try}. */
    private static final int RESERVE = 48;

    private PinnedAction() {
    }

    /** Runs {@code action} inside {@code nativeCall}, which must call {@link #runCurrent} once on this thread. */
    public static void run(Runnable action, Runnable nativeCall) {
        StackReserve.check(RESERVE); // an overflow on the way into the callback could not be caught
        Slot slot = SLOT.get();
        Runnable outerAction = slot.action;
        Throwable outerThrown = slot.thrown;
        boolean outerEntered = slot.entered;
        slot.action = action;
        slot.thrown = null;
        slot.entered = false;
        Throwable thrown;
        try {
            nativeCall.run();
            thrown = slot.entered ? slot.thrown : new StackOverflowError("no stack left to call back into Java");
        } catch (Throwable t) {
            thrown = t;
        } finally {
            slot.action = outerAction;
            slot.thrown = outerThrown;
            slot.entered = outerEntered;
        }
        if (thrown instanceof RuntimeException r) throw r;
        if (thrown instanceof Error e) throw e;
        if (thrown != null) throw new IllegalStateException(thrown);
    }

    /** The callback's body: runs this thread's current action. Never throws (it runs under C frames). */
    public static void runCurrent() {
        try {
            Slot slot = SLOT.get();
            slot.entered = true;
            try {
                slot.action.run();
            } catch (Throwable t) {
                slot.thrown = t;
            }
        } catch (Throwable t) {
            // out of stack before the action: run() sees it was never entered
        }
    }
}
