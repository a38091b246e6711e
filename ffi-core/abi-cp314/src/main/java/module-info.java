/** The layouts of CPython 3.14 (default build), verified against the live interpreter before use. */
module dev.serpentine.abi.cp314 {
    requires dev.serpentine.ffi;
    requires static org.osgi.service.component.annotations;

    provides dev.serpentine.ffi.abi.CPythonAbi with dev.serpentine.abi.cp314.Cp314Abi;
}
