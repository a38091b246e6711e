package dev.serpentine.abi.cp313;

import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.abi.LayoutAbi;
import org.osgi.service.component.annotations.Component;

/** CPython 3.13, default build: PyDictValues prefix, split-table order after values[capacity]. The facts are in {@code layout.properties}. */
@Component(service = CPythonAbi.class, property = {CPythonAbi.TAG + "=cp313", CPythonAbi.FLAVOUR + "=default"})
public final class Cp313Abi extends LayoutAbi {

    public Cp313Abi() {
        // Opened here: a resource of this module is readable only from its own code.
        super(Cp313Abi.class, Cp313Abi.class.getResourceAsStream("layout.properties"));
    }
}
