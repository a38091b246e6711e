package dev.serpentine.bridge.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The parameters of a Java-implemented Python function — positional-only first, then positional-or-keyword; the
 * first {@code required} must be given, the others default to {@code None} — made by
 * {@link CodecPlatform#parameters}. The platform checks every call against them before the body runs, with
 * CPython's wording for each {@code TypeError}; the body then reads each argument with {@link #get}, which
 * allocates nothing.
 */
@ProviderType
public interface Parameters {

    /** The function's name. */
    String name();

    /** The signature as {@code __text_signature__} has it, e.g. {@code (obj, /, default=None, option=None)}. */
    String textSignature();

    /**
     * The argument for parameter {@code index} of a call already checked against these parameters: a borrowed
     * reference, or 0 when the caller did not give it.
     */
    long get(long args, long nargs, long kwnames, int index);
}
