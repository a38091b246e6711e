package dev.serpentine.bridge.spi;

import org.osgi.annotation.versioning.ProviderType;

/** Something a codec put into the platform (a Python function, a codec service); closing takes it back out. */
@ProviderType
public interface Registration extends AutoCloseable {

    /**
     * Takes it back unless something registered since under the same name replaced it (then the replacement stays).
     * Idempotent. A function taken back raises {@code RuntimeError} if Python still calls it.
     */
    @Override
    void close();
}
