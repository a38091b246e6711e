package dev.serpentine.ffi.ffm;

import dev.serpentine.ffi.binding.PinnedAction;

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

    private static final MethodHandle BSEARCH;
    private static final MemorySegment COMPARATOR;
    /** The one-byte "array" searched and the key: never read, the comparator ignores both. */
    private static final MemorySegment ELEMENT = Arena.global().allocate(1);
    private static final Runnable SEARCH = NativeFrame::search;

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

    static void run(Runnable action) {
        PinnedAction.run(action, SEARCH);
    }

    private static void search() {
        try {
            MemorySegment found = (MemorySegment) BSEARCH.invokeExact(ELEMENT, ELEMENT, 1L, 1L, COMPARATOR);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("bsearch failed", t);
        }
    }

    /** The upcall; never throws (an exception out of an FFM upcall ends the JVM). */
    private static int compare(MemorySegment key, MemorySegment element) {
        PinnedAction.runCurrent();
        return 0;
    }
}
