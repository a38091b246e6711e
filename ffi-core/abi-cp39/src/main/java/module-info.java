/** The layouts of CPython 3.9 (default build), verified against the live interpreter before use. */
module dev.serpentine.abi.cp39 {
    requires dev.serpentine.ffi;
    requires static org.osgi.service.component.annotations;

    provides dev.serpentine.ffi.abi.CPythonAbi with dev.serpentine.abi.cp39.Cp39Abi;
}
