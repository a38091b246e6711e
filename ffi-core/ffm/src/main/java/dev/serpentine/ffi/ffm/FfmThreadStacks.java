package dev.serpentine.ffi.ffm;

import dev.serpentine.ffi.binding.ThreadStacks;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@link ThreadStacks} on FFM. */
final class FfmThreadStacks implements ThreadStacks {

    static final FfmThreadStacks INSTANCE = new FfmThreadStacks();
    /** {@code sizeof(pthread_attr_t)} is 56 on x86-64 glibc; room to spare. */
    private static final long ATTR_SIZE = 128;

    private FfmThreadStacks() {
    }

    @Override
    public long currentThread() {
        try {
            return (long) Libc.PTHREAD_SELF.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public long[] currentStack() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 16);
            MemorySegment out = arena.allocate(16, 8); // void *stackaddr; size_t stacksize
            if ((int) Libc.PTHREAD_GETATTR_NP.invokeExact(currentThread(), attr) != 0) return null;
            try {
                int rc = (int) Libc.PTHREAD_ATTR_GETSTACK.invokeExact(attr, out, out.asSlice(8));
                if (rc != 0) return null;
            } finally {
                int ignored = (int) Libc.PTHREAD_ATTR_DESTROY.invokeExact(attr);
            }
            long low = out.get(JAVA_LONG, 0);
            long size = out.get(JAVA_LONG, 8);
            return low == 0 || size <= 0 ? null : new long[]{low, size};
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public int setStackProtection(long threadState, long start, long size) {
        MethodHandle h = Protection.HANDLE;
        if (h == null) return UNSUPPORTED;
        try {
            return (int) h.invokeExact(threadState, start, size);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static final class Libc {
        private static final Linker LINKER = Linker.nativeLinker();
        static final MethodHandle PTHREAD_SELF = libc("pthread_self", FunctionDescriptor.of(JAVA_LONG),
                Linker.Option.critical(false)); // returns a register's value
        static final MethodHandle PTHREAD_GETATTR_NP = libc("pthread_getattr_np",
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        static final MethodHandle PTHREAD_ATTR_GETSTACK = libc("pthread_attr_getstack",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle PTHREAD_ATTR_DESTROY = libc("pthread_attr_destroy",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));

        private static MethodHandle libc(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, options);
        }
    }

    /** Bound after libpython is loaded; null where it does not export the function. */
    private static final class Protection {
        static final MethodHandle HANDLE = Libraries.symbol("PyUnstable_ThreadState_SetStackProtection") == 0 ? null
                : Linker.nativeLinker().downcallHandle(Libraries.function("PyUnstable_ThreadState_SetStackProtection"),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }
}
