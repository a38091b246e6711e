/**
 * Serpentine's JSON decoder: {@code serpentine.loads} and {@code Json.loads}, strict RFC 8259 in one pass straight
 * into Python objects. Exports nothing; it provides the {@code JsonDecoder} service (ServiceLoader here, DS in OSGi).
 */
module dev.serpentine.deserializer {
    requires dev.serpentine.bridge;
    requires ch.randelshofer.fastdoubleparser;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    provides dev.serpentine.bridge.json.JsonDecoder with dev.serpentine.deserializer.Deserializer;
}
