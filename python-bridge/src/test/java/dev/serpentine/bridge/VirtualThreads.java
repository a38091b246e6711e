package dev.serpentine.bridge;

import java.lang.reflect.Method;

/**
 * Virtual threads by reflection: the test sources compile for Java 17, where {@code Thread.ofVirtual()} does not
 * exist. On Java 17 {@link #SUPPORTED} is false and callers skip with an assumption.
 */
public final class VirtualThreads {

    public static final boolean SUPPORTED = Runtime.version().feature() >= 21;

    private static final Method OF_VIRTUAL;
    private static final Method START;
    private static final Method IS_VIRTUAL;

    static {
        Method ofVirtual = null;
        Method start = null;
        Method isVirtual = null;
        if (SUPPORTED) {
            try {
                ofVirtual = Thread.class.getMethod("ofVirtual");
                start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
                isVirtual = Thread.class.getMethod("isVirtual");
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        OF_VIRTUAL = ofVirtual;
        START = start;
        IS_VIRTUAL = isVirtual;
    }

    private VirtualThreads() {
    }

    /** Starts {@code task} on a new virtual thread (Java 21+). */
    public static Thread start(Runnable task) {
        if (!SUPPORTED) throw new UnsupportedOperationException("virtual threads need Java 21+");
        try {
            return (Thread) START.invoke(OF_VIRTUAL.invoke(null), task);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean isVirtual(Thread t) {
        if (!SUPPORTED) return false;
        try {
            return (boolean) IS_VIRTUAL.invoke(t);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
