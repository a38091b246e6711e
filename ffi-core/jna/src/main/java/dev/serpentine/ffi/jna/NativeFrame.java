package dev.serpentine.ffi.jna;

import com.sun.jna.Callback;
import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.serpentine.ffi.binding.PinnedAction;

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

    private static final Function BSEARCH = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("bsearch");
    /** Kept reachable for the life of the process: a collected callback would leave C calling freed code. */
    private static final Comparator COMPARATOR = new Comparator() {
        @Override
        public int invoke(Pointer key, Pointer element) {
            PinnedAction.runCurrent(); // never throws: nothing unwinds through bsearch's C frame
            return 0;
        }
    };
    /** The one-byte "array" searched and the key: never read, the comparator ignores both. */
    private static final Memory ELEMENT = new Memory(1);
    private static final Runnable SEARCH = () -> BSEARCH.invokePointer(new Object[]{ELEMENT, ELEMENT, 1L, 1L, COMPARATOR});

    private NativeFrame() {
    }

    static void run(Runnable action) {
        PinnedAction.run(action, SEARCH);
    }
}
