/**
 * Serpentine's serializer: {@code serpentine.dumps} and the Java {@code Json.dumps} entry points, writing JSON
 * straight from CPython's memory with orjson's contract. It exports nothing; it registers a
 * {@code JsonEncoder} service (DS in OSGi, {@link java.util.ServiceLoader} in plain Java).
 */
module dev.serpentine.serializer {
    requires dev.serpentine.bridge;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    provides dev.serpentine.bridge.json.JsonEncoder with dev.serpentine.serializer.SerializerService;
}
