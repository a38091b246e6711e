package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/** The object header ({@code ob_type}, {@code ob_size}) and the type behind it. */
public final class PyObjectView extends View {

    /** {@code ob_size}'s offset, copied out of the layout (one dependent load fewer). */
    private final long obSize;

    PyObjectView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
        this.obSize = layout.obSize;
    }

    /** Verifies {@code o} is not NULL: every object has a header. */
    public long checked(long o) {
        if (o == 0) throw new WrongTypeException("object", "NULL");
        return o;
    }

    /** {@code Py_TYPE(o)}. */
    public long type(long o) {
        return typeOf(o);
    }

    /** {@code Py_SIZE(o)} of a variable-size object. */
    public long size(long o) {
        return mem.getLong(o + obSize);
    }

    /** {@code Py_TYPE(o)->tp_name}. */
    public String typeName(long o) {
        return nameOf(typeOf(o));
    }

    /** {@code Py_TYPE(o)->tp_flags}. */
    public long typeFlags(long o) {
        return flagsOf(typeOf(o));
    }

    public boolean isNone(long o) {
        return o == types.none;
    }
}
