package dev.serpentine.bridge;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A strong reference to a Python object, owned by Java. {@link #close()} drops it ({@code Py_DecRef} under the GIL:
 * taken right there on a platform thread, queued for the next GIL entry on a virtual thread). A handle that is never
 * closed is caught by a {@code Cleaner}, which queues its decref for the next GIL entry — it never touches Python off
 * the GIL — but close handles explicitly: the GC may come late or never.
 */
@ProviderType
public interface PyRef extends AutoCloseable {

    /** The object's address; valid while the handle is open (read the object only with the GIL held). */
    long address();

    boolean isClosed();

    /** Drops the reference. Idempotent. */
    @Override
    void close();

    /** Gives up ownership without a decref and returns the address: the caller now owns that reference. */
    long detach();
}
