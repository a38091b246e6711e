/**
 * Native memory through Python's own allocator: {@code PyMem_*} with the GIL held, {@code PyMem_Raw*} without, so that
 * tracemalloc, {@code PYTHONMALLOC=debug} and Python's statistics see every byte the platform allocates.
 */
module dev.serpentine.allocator {
    requires transitive dev.serpentine.bridge;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports dev.serpentine.allocator;
}
