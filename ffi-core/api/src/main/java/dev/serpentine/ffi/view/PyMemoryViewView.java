package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/**
 * {@code memoryview}: its managed buffer, cached hash, flags, export count and the embedded {@code Py_buffer}
 * ({@code PyMemoryView_GET_BUFFER}). A released view's buffer dangles: check {@link #isReleased} before reading it.
 */
public final class PyMemoryViewView extends View {

    public static final int RELEASED = 0x1;
    public static final int C = 0x2;
    public static final int FORTRAN = 0x4;
    public static final int SCALAR = 0x8;
    public static final int PIL = 0x10;

    PyMemoryViewView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
    }

    /** Verifies {@code o} is a {@code memoryview} (the type cannot be subclassed). */
    public long checked(long o) {
        if (o == 0) throw new WrongTypeException("memoryview", "NULL");
        if (typeOf(o) != types.memoryviewType) throw new WrongTypeException("memoryview", nameOf(typeOf(o)));
        return o;
    }

    /** The {@code _PyManagedBufferObject}. */
    public long mbuf(long o) {
        return mem.getLong(o + layout.memoryviewMbuf);
    }

    /** The cached hash, -1 until hashed. */
    public long hash(long o) {
        return mem.getLong(o + layout.memoryviewHash);
    }

    public int flags(long o) {
        return mem.getInt(o + layout.memoryviewFlags);
    }

    public boolean isReleased(long o) {
        return (flags(o) & RELEASED) != 0;
    }

    /** {@code PyObject_GetBuffer} calls on this memoryview not yet released. */
    public long exports(long o) {
        return mem.getLong(o + layout.memoryviewExports);
    }

    /** Address of the embedded {@code Py_buffer}, for {@link PyBufferView}. */
    public long view(long o) {
        return o + layout.memoryviewView;
    }

    /** Address of the inline shape/strides/suboffsets storage ({@code ob_array}). */
    public long array(long o) {
        return o + layout.memoryviewArray;
    }
}
