/**
 * The C-API binding: the CPython functions the platform calls, with raw {@code long} addresses, implemented by the
 * FFM and JNA backends with identical behaviour; native memory access; library loading; interpreter start-up.
 *
 * <p>Platform-internal: exported only to Serpentine's own modules and bundles.
 */
@Version("0.2.0")
package dev.serpentine.ffi.binding;

import org.osgi.annotation.versioning.Version;
