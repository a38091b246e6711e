package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/** {@code tuple}: size and the inline item array (at 24, or 32 from 3.14 where a cached hash precedes it). */
public final class PyTupleView extends View {

    PyTupleView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
    }

    /** Verifies {@code o} is a {@code tuple} (or subclass) and returns it. */
    public long checked(long o) {
        return checkedByFlag(o, types.tupleType, PyTypeView.Py_TPFLAGS_TUPLE_SUBCLASS, "tuple");
    }

    public boolean isExact(long o) {
        return typeOf(o) == types.tupleType;
    }

    public long size(long o) {
        return mem.getLong(o + layout.obSize);
    }

    /** Address of the inline item array. */
    public long items(long o) {
        return o + layout.tupleItems;
    }

    /** Item {@code i} (borrowed); {@code i} must be below {@link #size}. */
    public long item(long o, long i) {
        return mem.getLong(o + layout.tupleItems + 8 * i);
    }
}
