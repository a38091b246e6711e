package dev.serpentine.abi.cp39;

import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.abi.LayoutAbi;
import org.osgi.service.component.annotations.Component;

/** CPython 3.9, default build: wstr/wstr_length present (str data at 48/72), signed ob_size ints, dk_size/dk_lookup dict keys. The facts are in {@code layout.properties}. */
@Component(service = CPythonAbi.class, property = {CPythonAbi.TAG + "=cp39", CPythonAbi.FLAVOUR + "=default"})
public final class Cp39Abi extends LayoutAbi {

    public Cp39Abi() {
        // Opened here: a resource of this module is readable only from its own code.
        super(Cp39Abi.class, Cp39Abi.class.getResourceAsStream("layout.properties"));
    }
}
