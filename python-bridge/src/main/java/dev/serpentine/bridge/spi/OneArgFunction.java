package dev.serpentine.bridge.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The body of a {@code METH_O} Python function: exactly one positional argument, borrowed (CPython refuses any other
 * call with its own {@code TypeError}). Runs with the GIL held on the calling Python thread.
 */
@ConsumerType
@FunctionalInterface
public interface OneArgFunction {

    /** Returns a new reference, or 0 with a Python exception set; a Java exception is raised in Python instead. */
    long call(long arg) throws Exception;
}
