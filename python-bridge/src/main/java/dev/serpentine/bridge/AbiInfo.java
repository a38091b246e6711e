package dev.serpentine.bridge;

/**
 * The ABI bundle bound to the running interpreter.
 *
 * @param tag           {@code cp313}
 * @param flavour       {@code default}, {@code free-threaded} or {@code trace-refs}
 * @param bundleVersion the version of the bundle that provides it
 */
public record AbiInfo(String tag, String flavour, String bundleVersion) {
    @Override
    public String toString() {
        return tag + " (" + flavour + ") " + bundleVersion;
    }
}
