package dev.serpentine.abi.cp311;

import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.abi.LayoutAbi;
import org.osgi.service.component.annotations.Component;

/** CPython 3.11, default build: wstr still present, signed ob_size ints, new dict keys (dk_log2_size, unicode entries, split order before values). The facts are in {@code layout.properties}. */
@Component(service = CPythonAbi.class, property = {CPythonAbi.TAG + "=cp311", CPythonAbi.FLAVOUR + "=default"})
public final class Cp311Abi extends LayoutAbi {

    public Cp311Abi() {
        // Opened here: a resource of this module is readable only from its own code.
        super(Cp311Abi.class, Cp311Abi.class.getResourceAsStream("layout.properties"));
    }
}
