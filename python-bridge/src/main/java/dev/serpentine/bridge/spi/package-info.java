/**
 * The platform SPI of codec bundles ({@code dev.serpentine.serializer}, {@code dev.serpentine.deserializer}): what a
 * codec needs from the running interpreter without binding or verifying anything itself. Start from
 * {@link dev.serpentine.bridge.spi.CodecPlatform#of}: the C-API binding, the verified views of the ABI bundle bound
 * now (read them once per call: a newer ABI bundle can replace them between calls), type addresses looked up once
 * per runtime, Python exceptions with {@code __cause__} chaining, and Python functions in the {@code serpentine}
 * module ({@code METH_FASTCALL | METH_KEYWORDS} and {@code METH_O}, with a text signature).
 *
 * <p>Platform-internal, like ffi-core's raw packages: a qualified JPMS export to the codec modules, and in OSGi the
 * mandatory attribute {@code serpentine=platform} (import it with {@code ;serpentine=platform}). Interfaces the bridge
 * implements are {@code @ProviderType} (a new method is a minor version); the function bodies codecs implement are
 * {@code @ConsumerType}.
 *
 * <p>0.3.0: {@link dev.serpentine.bridge.spi.PlatformTypes#fragment} ({@code serpentine.Fragment}, now owned by the
 * bridge so that it outlives a serializer release); {@code PlatformTypes}' constructor, which only the bridge calls,
 * takes it.
 */
// Never imported by the bridge itself: its own import would need the mandatory attribute to match.
@Export(attribute = {"serpentine=platform", "mandatory:=serpentine"}, substitution = Export.Substitution.NOIMPORT)
@Version("0.3.0")
package dev.serpentine.bridge.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
