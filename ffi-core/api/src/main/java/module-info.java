/**
 * Serpentine's foundation: the C-API binding interface that the backends implement, native memory access, typed
 * views of CPython objects read straight from memory, and the SPI of the per-version ABI bundles.
 *
 * <p>Raw-memory packages are exported only to the platform's own modules.
 */
module dev.serpentine.ffi {
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports dev.serpentine.ffi;
    exports dev.serpentine.ffi.binding to
            dev.serpentine.ffi.ffm, dev.serpentine.ffi.jna,
            dev.serpentine.abi.cp39, dev.serpentine.abi.cp310, dev.serpentine.abi.cp311,
            dev.serpentine.abi.cp312, dev.serpentine.abi.cp313, dev.serpentine.abi.cp314,
            dev.serpentine.allocator, dev.serpentine.bridge, dev.serpentine.serializer, dev.serpentine.deserializer;
    exports dev.serpentine.ffi.view to
            dev.serpentine.abi.cp39, dev.serpentine.abi.cp310, dev.serpentine.abi.cp311,
            dev.serpentine.abi.cp312, dev.serpentine.abi.cp313, dev.serpentine.abi.cp314,
            dev.serpentine.allocator, dev.serpentine.bridge, dev.serpentine.serializer, dev.serpentine.deserializer;
    exports dev.serpentine.ffi.abi to
            dev.serpentine.abi.cp39, dev.serpentine.abi.cp310, dev.serpentine.abi.cp311,
            dev.serpentine.abi.cp312, dev.serpentine.abi.cp313, dev.serpentine.abi.cp314,
            dev.serpentine.allocator, dev.serpentine.bridge, dev.serpentine.serializer, dev.serpentine.deserializer,
            dev.serpentine.cli; // the ABI bundles on offer, for `serpentine doctor` and `serpentine:abi list`
    exports dev.serpentine.ffi.buffer to
            dev.serpentine.abi.cp39, dev.serpentine.abi.cp310, dev.serpentine.abi.cp311,
            dev.serpentine.abi.cp312, dev.serpentine.abi.cp313, dev.serpentine.abi.cp314,
            dev.serpentine.allocator, dev.serpentine.bridge, dev.serpentine.serializer, dev.serpentine.deserializer;

    uses dev.serpentine.ffi.binding.CPythonBinding;
    uses dev.serpentine.ffi.abi.CPythonAbi;
}
