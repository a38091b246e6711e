/**
 * The SPI of the per-version ABI bundles: a {@link dev.serpentine.ffi.abi.CPythonAbi} names one CPython minor and
 * build flavour and carries its {@link dev.serpentine.ffi.abi.AbiLayout}; {@link dev.serpentine.ffi.abi.AbiSelector}
 * picks the bundle for the running interpreter and {@link dev.serpentine.ffi.abi.AbiVerifier} checks it against the
 * live interpreter before anything reads memory through it. Every key of a bundle's {@code layout.properties} is a
 * fact some view reads and the verifier proves; a key no view reads is refused when the layout is read.
 *
 * <p>Platform-internal: exported only to Serpentine's own modules and bundles.
 */
@Version("0.2.0")
package dev.serpentine.ffi.abi;

import org.osgi.annotation.versioning.Version;
