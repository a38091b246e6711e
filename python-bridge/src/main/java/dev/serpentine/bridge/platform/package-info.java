/**
 * Platform-only access to what a {@link dev.serpentine.bridge.PythonRuntime} owns: its running interpreter.
 *
 * <p>Exported only to Serpentine's own modules and bundles (qualified JPMS export; in OSGi the mandatory
 * {@code serpentine=platform} attribute).
 */
@Version("0.1.0")
package dev.serpentine.bridge.platform;

import org.osgi.annotation.versioning.Version;
