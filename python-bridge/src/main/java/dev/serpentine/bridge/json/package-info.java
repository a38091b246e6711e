/**
 * JSON between the JVM and CPython: the {@link dev.serpentine.bridge.json.Json} facade for Java callers, and the
 * encoder and decoder services that codec bundles provide (the bridge uses the best one installed, and
 * {@code serpentine.dumps} / {@code serpentine.loads} in Python forward to it).
 */
@Export
@Version("0.3.0")
package dev.serpentine.bridge.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
