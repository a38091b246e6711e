package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/** A type object: {@code tp_name}, {@code tp_basicsize}, {@code tp_itemsize}, {@code tp_flags}, {@code tp_as_buffer}. */
public final class PyTypeView extends View {

    public static final long Py_TPFLAGS_HEAPTYPE = 1L << 9;
    public static final long Py_TPFLAGS_READY = 1L << 12;
    public static final long Py_TPFLAGS_HAVE_GC = 1L << 14;
    public static final long Py_TPFLAGS_LONG_SUBCLASS = 1L << 24;
    public static final long Py_TPFLAGS_LIST_SUBCLASS = 1L << 25;
    public static final long Py_TPFLAGS_TUPLE_SUBCLASS = 1L << 26;
    public static final long Py_TPFLAGS_BYTES_SUBCLASS = 1L << 27;
    public static final long Py_TPFLAGS_UNICODE_SUBCLASS = 1L << 28;
    public static final long Py_TPFLAGS_DICT_SUBCLASS = 1L << 29;
    public static final long Py_TPFLAGS_BASE_EXC_SUBCLASS = 1L << 30;
    public static final long Py_TPFLAGS_TYPE_SUBCLASS = 1L << 31;

    PyTypeView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
    }

    /** Verifies {@code o} is a type object. */
    public long checked(long o) {
        return checkedByFlag(o, types.type, Py_TPFLAGS_TYPE_SUBCLASS, "type");
    }

    public String name(long type) {
        return nameOf(type);
    }

    public long flags(long type) {
        return flagsOf(type);
    }

    public long basicsize(long type) {
        return mem.getLong(type + layout.tpBasicsize);
    }

    public long itemsize(long type) {
        return mem.getLong(type + layout.tpItemsize);
    }

    /** {@code tp_as_buffer}: NULL for types that export no buffer. */
    public long asBuffer(long type) {
        return mem.getLong(type + layout.tpAsBuffer);
    }
}
