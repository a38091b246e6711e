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

    /**
     * Fills slot {@code i} of a fresh {@code tuple}'s item array, as {@code PyTuple_SET_ITEM} does: the address
     * comes from {@link #items} of a tuple just made by {@code PyTuple_New(n)} (all slots NULL) and {@code newReference} is stolen.
     * This is the codec path for a presized container: no call per item and no check, so {@code i} must be below
     * {@code n}, each slot filled once, and every slot filled before the tuple reaches any Python code (a NULL
     * item is only safe for its deallocation: on an error path, just drop the tuple). Use {@link #initItem} where
     * a check is worth its reads. Needs the GIL.
     */
    public void setFreshItem(long items, long i, long newReference) {
        mem.putLong(items + 8 * i, newReference);
    }

    /**
     * {@link #setFreshItem} with checks: {@code o} is an exact tuple, {@code i} below its size, the slot still NULL
     * and the reference not NULL; the reference is stolen only when it is stored (on an exception the caller
     * keeps it).
     */
    public void initItem(long o, long i, long newReference) {
        if (o == 0 || !isExact(o)) throw new WrongTypeException("tuple", o == 0 ? "NULL" : nameOf(typeOf(o)));
        initSlot(items(o), size(o), i, newReference, "tuple");
    }
}
