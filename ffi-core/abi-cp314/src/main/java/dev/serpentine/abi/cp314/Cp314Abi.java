package dev.serpentine.abi.cp314;

import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.abi.LayoutAbi;
import org.osgi.service.component.annotations.Component;

/** CPython 3.14, default build: 32-bit ob_refcnt + ob_flags, tuple ob_hash (items at 32), small ints marked with lv_tag bit 2. The facts are in {@code layout.properties}. */
@Component(service = CPythonAbi.class, property = {CPythonAbi.TAG + "=cp314", CPythonAbi.FLAVOUR + "=default"})
public final class Cp314Abi extends LayoutAbi {

    public Cp314Abi() {
        // Opened here: a resource of this module is readable only from its own code.
        super(Cp314Abi.class, Cp314Abi.class.getResourceAsStream("layout.properties"));
    }
}
