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

    /** Address of the item array; NULL for a list that never held an item. */
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
}
