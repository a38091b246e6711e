package dev.serpentine.ffi.jna;

import com.sun.jna.Callback;
import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.serpentine.ffi.binding.StackReserve;

/**
 * A native frame around a Java action, without a C compiler: libc's {@code bsearch} over one element calls its
 * comparator exactly once, and the comparator is a JNA callback that runs the action. While the action runs, the
 * thread's stack holds JNI and C frames, so a virtual thread stays mounted on its carrier.
 */
final class NativeFrame {

    /** {@code int (*)(const void *, const void *)}. */
    public interface Comparator extends Callback {
        int invoke(Pointer key, Pointer element);
    }

    /** The action and its outcome, per thread; an outer pinned action's are saved around an inner one. */
    private static final class Slot {
        Runnable action;
        Throwable thrown;
        boolean entered;
    }

    private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);
    private static final Function BSEARCH = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("bsearch");
    /** Kept reachable for the life of the process: a collected callback would leave C calling freed code. */
    private static final Comparator COMPARATOR = new Comparator() {
        @Override
        public int invoke(Pointer key, Pointer element) {
            try {
                Slot slot = SLOT.get();
                slot.entered = true;
                try {
                    slot.action.run();
                } catch (Throwable t) {
                    slot.thrown = t; // nothing may unwind through bsearch's C frame
                }
            } catch (Throwable t) {
                // out of stack before the action: run() sees it was never entered
            }
            return 0;
        }
    };
    /** The one-byte "array" searched and the key: never read, the comparator ignores both. */
    private static final Memory ELEMENT = new Memory(1);

    private NativeFrame() {
    }

    /** Frames of {@link StackReserve} checked first: more than the way from here into the callback's {@code try}. */
    private static final int RESERVE = 48;

    static void run(Runnable action) {
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
            BSEARCH.invokePointer(new Object[]{ELEMENT, ELEMENT, 1L, 1L, COMPARATOR});
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
}
