/** The layouts of CPython 3.10 (default build), verified against the live interpreter before use. */
module dev.serpentine.abi.cp310 {
    requires dev.serpentine.ffi;
    requires static org.osgi.service.component.annotations;

    provides dev.serpentine.ffi.abi.CPythonAbi with dev.serpentine.abi.cp310.Cp310Abi;
}
