package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/** {@code float}: the {@code double} in place ({@code PyFloat_AS_DOUBLE}). */
public final class PyFloatView extends View {

    PyFloatView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
    }

    /** Verifies {@code o} is a {@code float} (or subclass) and returns it. */
    public long checked(long o) {
        return checkedBySubtype(o, types.floatType, "float");
    }

    public boolean isExact(long o) {
        return typeOf(o) == types.floatType;
    }

    public double value(long o) {
        return mem.getDouble(o + layout.floatValue);
    }
}
