package dev.serpentine.ffi.abi;

/**
 * One CPython minor's ABI, as an ABI bundle provides it: which interpreters it is for and their layouts.
 * Registered as an OSGi service (with the properties {@value #TAG} and {@value #FLAVOUR}) or found through
 * {@link java.util.ServiceLoader}.
 */
public interface CPythonAbi {

    /** Service property: the ABI tag, e.g. {@code cp313}. */
    String TAG = "python.abi";

    /** Service property: the build flavour, {@code default}, {@code free-threaded} or {@code trace-refs}. */
    String FLAVOUR = "python.flavour";

    /** {@code cp313}. */
    String tag();

    /** {@code default}, {@code free-threaded} or {@code trace-refs}. */
    String flavour();

    /** The version of the bundle that provides this ABI; a newer bundle for the same tag wins. */
    String bundleVersion();

    /** The offsets, flag bits and encodings of this version's objects. */
    AbiLayout layout();
}
