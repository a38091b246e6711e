package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/** {@code bytes}: the {@code PyBytes_AS_STRING} / {@code PyBytes_GET_SIZE} of the C headers, and the cached hash. */
public final class PyBytesView extends View {

    PyBytesView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
    }

    /** Verifies {@code o} is a {@code bytes} (or subclass) and returns it. */
    public long checked(long o) {
        return checkedByFlag(o, types.bytesType, PyTypeView.Py_TPFLAGS_BYTES_SUBCLASS, "bytes");
    }

    public boolean isExact(long o) {
        return typeOf(o) == types.bytesType;
    }

    /** Number of bytes. */
    public long size(long o) {
        return mem.getLong(o + layout.obSize);
    }

    /** Address of the first byte; a NUL follows the last one. */
    public long data(long o) {
        return o + layout.bytesData;
    }

    /** The cached hash, -1 until {@code hash(b)} runs. */
    public long hash(long o) {
        return mem.getLong(o + layout.bytesHash);
    }

    public byte[] toArray(long o) {
        return ViewArrays.copy(mem, data(o), size(o));
    }
}
