/**
 * Typed views of CPython objects, read straight from memory with no C-API call, through the layouts of the ABI
 * bundle bound to the running interpreter.
 *
 * <p>Every view works on raw object addresses. Its {@code checked} entry verifies the object's type (and returns
 * the address) — use it wherever an address comes from outside; its readers do not check, for hot paths that
 * already know the type. All reads need the GIL held and a reference to the object.
 *
 * <p>Platform-internal: exported only to Serpentine's own modules and bundles.
 */
@Version("0.1.0")
package dev.serpentine.ffi.view;

import org.osgi.annotation.versioning.Version;
