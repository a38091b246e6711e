/** The JNA backend of the C-API binding (Java 17+). */
module dev.serpentine.ffi.jna {
    requires dev.serpentine.ffi;
    requires com.sun.jna;
    requires static org.osgi.service.component.annotations;

    // JNA calls the upcall's callback interface (Upcalls.PyCFunctionWithKeywords) reflectively; no one else may.
    exports dev.serpentine.ffi.jna to com.sun.jna;

    provides dev.serpentine.ffi.binding.CPythonBinding with dev.serpentine.ffi.jna.JnaBinding;
}
