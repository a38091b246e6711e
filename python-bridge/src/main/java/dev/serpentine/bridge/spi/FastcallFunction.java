package dev.serpentine.bridge.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The body of a {@code METH_FASTCALL | METH_KEYWORDS} Python function: {@code args} is the address of {@code nargs}
 * positional arguments followed by one value per name in {@code kwnames} (a tuple of str, or 0), all borrowed.
 * The platform has already checked them against the function's {@link Parameters}; read them with
 * {@link Parameters#get}. Runs with the GIL held on the calling Python thread.
 */
@ConsumerType
@FunctionalInterface
public interface FastcallFunction {

    /**
     * Returns a new reference, or 0 with a Python exception set. A Java exception is raised in Python instead (as
     * {@code TypeError}, {@code ValueError}, … by its kind; anything unexpected as {@code RuntimeError}).
     */
    long call(long args, long nargs, long kwnames) throws Exception;
}
