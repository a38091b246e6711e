/**
 * The Java face of the embedded interpreter: {@link dev.serpentine.bridge.PythonRuntime}, started once per process
 * (in OSGi by Declarative Services from ConfigAdmin; in plain Java with {@link dev.serpentine.bridge.PythonRuntime#builder()}).
 */
@Export
@Version("0.1.0")
package dev.serpentine.bridge;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
