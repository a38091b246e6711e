package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/** {@code list}: size and the separately allocated item array ({@code ob_item}, borrowed references). */
public final class PyListView extends View {

    PyListView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
    }

    /** Verifies {@code o} is a {@code list} (or subclass) and returns it. */
    public long checked(long o) {
        return checkedByFlag(o, types.listType, PyTypeView.Py_TPFLAGS_LIST_SUBCLASS, "list");
    }

    public boolean isExact(long o) {
        return typeOf(o) == types.listType;
    }

    public long size(long o) {
        return mem.getLong(o + layout.obSize);
    }

    /** Address of the item array; NULL for a list that never held an item ({@code PyList_New(n)}, n > 0, makes one). */
    public long items(long o) {
        return mem.getLong(o + layout.listItems);
    }

    /** Item {@code i} (borrowed); {@code i} must be below {@link #size}. */
    public long item(long o, long i) {
        return mem.getLong(items(o) + 8 * i);
    }

    public long allocated(long o) {
        return mem.getLong(o + layout.listAllocated);
    }

    /**
     * Fills slot {@code i} of a fresh {@code list}'s item array, as {@code PyList_SET_ITEM} does: the address
     * comes from {@link #items} of a list just made by {@code PyList_New(n)} (all slots NULL) and {@code newReference} is stolen.
     * This is the codec path for a presized container: no call per item and no check, so {@code i} must be below
     * {@code n}, each slot filled once, and every slot filled before the list reaches any Python code (a NULL
     * item is only safe for its deallocation: on an error path, just drop the list). Use {@link #initItem} where
     * a check is worth its reads. Needs the GIL.
     */
    public void setFreshItem(long items, long i, long newReference) {
        mem.putLong(items + 8 * i, newReference);
    }

    /**
     * {@link #setFreshItem} with checks: {@code o} is an exact list, {@code i} below its size, the slot still NULL
     * and the reference not NULL; the reference is stolen only when it is stored (on an exception the caller
     * keeps it).
     */
    public void initItem(long o, long i, long newReference) {
        if (o == 0 || !isExact(o)) throw new WrongTypeException("list", o == 0 ? "NULL" : nameOf(typeOf(o)));
        initSlot(items(o), size(o), i, newReference, "list");
    }
}
