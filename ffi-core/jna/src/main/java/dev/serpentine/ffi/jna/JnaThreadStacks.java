package dev.serpentine.ffi.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import dev.serpentine.ffi.binding.ThreadStacks;

/** {@link ThreadStacks} on JNA direct mapping. */
final class JnaThreadStacks implements ThreadStacks {

    static final JnaThreadStacks INSTANCE = new JnaThreadStacks();
    /** {@code sizeof(pthread_attr_t)} is 56 on x86-64 glibc; room to spare. */
    private static final long ATTR_SIZE = 128;

    private JnaThreadStacks() {
    }

    @Override
    public long currentThread() {
        return Pthreads.pthread_self();
    }

    @Override
    public long[] currentStack() {
        try (Memory attr = new Memory(ATTR_SIZE); Memory out = new Memory(16)) {
            long a = attrAddress(attr);
            if (Pthreads.pthread_getattr_np(Pthreads.pthread_self(), a) != 0) return null;
            long o = attrAddress(out);
            try {
                if (Pthreads.pthread_attr_getstack(a, o, o + 8) != 0) return null;
            } finally {
                Pthreads.pthread_attr_destroy(a);
            }
            long low = out.getLong(0);
            long size = out.getLong(8);
            return low == 0 || size <= 0 ? null : new long[]{low, size};
        }
    }

    private static long attrAddress(Memory m) {
        return com.sun.jna.Pointer.nativeValue(m);
    }

    @Override
    public int setStackProtection(long threadState, long start, long size) {
        if (!Protection.AVAILABLE) return UNSUPPORTED;
        return Protection.PyUnstable_ThreadState_SetStackProtection(threadState, start, size);
    }

    private static final class Pthreads {
        static {
            Native.register(Pthreads.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        private Pthreads() {
        }

        static native long pthread_self();

        static native int pthread_getattr_np(long thread, long attr);

        static native int pthread_attr_getstack(long attr, long stackaddr, long stacksize);

        static native int pthread_attr_destroy(long attr);
    }

    /** Registered against libpython only where it exports the function (3.14.1+). */
    private static final class Protection {
        static final boolean AVAILABLE = JnaBinding.INSTANCE.symbol("PyUnstable_ThreadState_SetStackProtection") != 0;

        static {
            if (AVAILABLE) Native.register(Protection.class, JnaBinding.INSTANCE.library());
        }

        private Protection() {
        }

        static native int PyUnstable_ThreadState_SetStackProtection(long tstate, long start, long size);
    }
}
