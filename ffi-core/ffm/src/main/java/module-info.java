/** The FFM backend of the C-API binding (Java 22+); the default wherever it runs. */
module dev.serpentine.ffi.ffm {
    requires dev.serpentine.ffi;
    requires static org.osgi.service.component.annotations;

    provides dev.serpentine.ffi.binding.CPythonBinding with dev.serpentine.ffi.ffm.FfmBinding;
}
