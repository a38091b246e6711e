package dev.serpentine.abi.cp310;

import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.abi.LayoutAbi;
import org.osgi.service.component.annotations.Component;

/** CPython 3.10, default build: as 3.9: wstr present, signed ob_size ints, dk_size/dk_lookup dict keys. The facts are in {@code layout.properties}. */
@Component(service = CPythonAbi.class, property = {CPythonAbi.TAG + "=cp310", CPythonAbi.FLAVOUR + "=default"})
public final class Cp310Abi extends LayoutAbi {

    public Cp310Abi() {
        // Opened here: a resource of this module is readable only from its own code.
        super(Cp310Abi.class, Cp310Abi.class.getResourceAsStream("layout.properties"));
    }
}
