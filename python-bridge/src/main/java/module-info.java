/**
 * Serpentine's python-bridge: the one owner of the embedded interpreter. It starts the embedded default CPython (or a
 * configured one) exactly once, binds and verifies the ABI bundle for it, and only then offers {@code PythonRuntime}.
 */
module dev.serpentine.bridge {
    requires transitive dev.serpentine.ffi;
    requires static org.osgi.service.component.annotations;
    requires static osgi.core;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports dev.serpentine.bridge;
    exports dev.serpentine.bridge.json;
    // The codec SPI: platform-only, like ffi-core's raw packages.
    exports dev.serpentine.bridge.spi to dev.serpentine.serializer, dev.serpentine.deserializer;
    exports dev.serpentine.bridge.platform to dev.serpentine.allocator, dev.serpentine.serializer,
            dev.serpentine.deserializer, dev.serpentine.cli; // the cli: `serpentine:abi verify`

    uses dev.serpentine.ffi.binding.CPythonBinding;
    uses dev.serpentine.ffi.abi.CPythonAbi;
    uses dev.serpentine.bridge.json.JsonEncoder;
    uses dev.serpentine.bridge.json.JsonDecoder;
}
