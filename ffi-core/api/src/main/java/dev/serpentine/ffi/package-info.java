/**
 * Public types of the foundation: interpreter installations (an embedded CPython from Maven Central or any
 * CPython with a shared libpython), versions, build flavours, and the exceptions every layer reports with.
 */
@Version("0.1.0")
package dev.serpentine.ffi;

import org.osgi.annotation.versioning.Version;
