package dev.serpentine.abi.cp312;

import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.abi.LayoutAbi;
import org.osgi.service.component.annotations.Component;

/** CPython 3.12, default build: wstr removed (str data at 40/56), lv_tag ints, split-table order before values. The facts are in {@code layout.properties}. */
@Component(service = CPythonAbi.class, property = {CPythonAbi.TAG + "=cp312", CPythonAbi.FLAVOUR + "=default"})
public final class Cp312Abi extends LayoutAbi {

    public Cp312Abi() {
        // Opened here: a resource of this module is readable only from its own code.
        super(Cp312Abi.class, Cp312Abi.class.getResourceAsStream("layout.properties"));
    }
}
