/**
 * {@link dev.serpentine.allocator.PyAllocator}: allocate, zeroed allocate, reallocate and free through
 * {@code PyMem_*} (GIL held, checked) or {@code PyMem_Raw*} (no GIL), with statistics; and
 * {@link dev.serpentine.allocator.NativeByteBuffer}, a growable native byte buffer on top of it.
 */
@Export
@Version("0.1.0")
package dev.serpentine.allocator;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
