/** The layouts of CPython 3.11 (default build), verified against the live interpreter before use. */
module dev.serpentine.abi.cp311 {
    requires dev.serpentine.ffi;
    requires static org.osgi.service.component.annotations;

    provides dev.serpentine.ffi.abi.CPythonAbi with dev.serpentine.abi.cp311.Cp311Abi;
}
