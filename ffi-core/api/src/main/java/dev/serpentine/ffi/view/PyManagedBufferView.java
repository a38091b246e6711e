package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/** {@code _PyManagedBufferObject}: the exporter's original buffer ({@code master}) shared by memoryviews. */
public final class PyManagedBufferView extends View {

    public static final int RELEASED = 0x1;
    public static final int FREE_FORMAT = 0x2;

    PyManagedBufferView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
    }

    public long checked(long o) {
        if (o == 0) throw new WrongTypeException("managedbuffer", "NULL");
        if (typeOf(o) != types.managedBufferType) throw new WrongTypeException("managedbuffer", nameOf(typeOf(o)));
        return o;
    }

    public int flags(long o) {
        return mem.getInt(o + layout.managedBufferFlags);
    }

    /** Number of memoryviews registered with this managed buffer. */
    public long exports(long o) {
        return mem.getLong(o + layout.managedBufferExports);
    }

    /** Address of the embedded {@code Py_buffer} ({@code master}), for {@link PyBufferView}. */
    public long master(long o) {
        return o + layout.managedBufferMaster;
    }
}
