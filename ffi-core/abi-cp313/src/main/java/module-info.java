/** The layouts of CPython 3.13 (default build), verified against the live interpreter before use. */
module dev.serpentine.abi.cp313 {
    requires dev.serpentine.ffi;
    requires static org.osgi.service.component.annotations;

    provides dev.serpentine.ffi.abi.CPythonAbi with dev.serpentine.abi.cp313.Cp313Abi;
}
