package dev.serpentine.ffi.ffm;

import dev.serpentine.ffi.binding.StackReserve;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A native frame around a Java action, without a C compiler: libc's {@code bsearch} over one element calls its
 * comparator exactly once, and the comparator is an upcall stub that runs the action. While the action runs, the
 * thread's stack holds {@code bsearch}'s C frame, so a virtual thread stays mounted on its carrier.
 */
final class NativeFrame {

    /** The action and its outcome, per thread; an outer pinned action's are saved around an inner one. */
    private static final class Slot {
        Runnable action;
        Throwable thrown;
        boolean entered;
    }

    private static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(Slot::new);
    private static final MethodHandle BSEARCH;
    private static final MemorySegment COMPARATOR;
    /** The one-byte "array" searched and the key: never read, the comparator ignores both. */
    private static final MemorySegment ELEMENT = Arena.global().allocate(1);

    static {
        Linker linker = Linker.nativeLinker();
        BSEARCH = linker.downcallHandle(linker.defaultLookup().find("bsearch").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
        try {
            MethodHandle compare = MethodHandles.lookup().findStatic(NativeFrame.class, "compare",
                    MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
            COMPARATOR = linker.upcallStub(compare, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
            MemorySegment found = (MemorySegment) BSEARCH.invokeExact(ELEMENT, ELEMENT, 1L, 1L, COMPARATOR);
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

    /** The upcall: runs the action; nothing may escape it (an exception out of an FFM upcall ends the JVM). */
    private static int compare(MemorySegment key, MemorySegment element) {
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
        return 0;
    }
}
