/** The layouts of CPython 3.12 (default build), verified against the live interpreter before use. */
module dev.serpentine.abi.cp312 {
    requires dev.serpentine.ffi;
    requires static org.osgi.service.component.annotations;

    provides dev.serpentine.ffi.abi.CPythonAbi with dev.serpentine.abi.cp312.Cp312Abi;
}
