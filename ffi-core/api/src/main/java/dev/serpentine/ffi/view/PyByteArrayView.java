package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/**
 * {@code bytearray}: data at {@code ob_start} (ahead of {@code ob_bytes} after {@code del ba[:k]}), {@code ob_size}
 * bytes; an empty one may have no buffer at all. {@code ob_exports} counts live buffer exports (while it is
 * non-zero the bytearray cannot be resized).
 */
public final class PyByteArrayView extends View {

    PyByteArrayView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
    }

    /** Verifies {@code o} is a {@code bytearray} (or subclass) and returns it. */
    public long checked(long o) {
        return checkedBySubtype(o, types.bytearrayType, "bytearray");
    }

    public long size(long o) {
        return mem.getLong(o + layout.obSize);
    }

    /** {@code PyByteArray_AS_STRING}: the data, or NULL for an empty bytearray without a buffer. */
    public long data(long o) {
        return mem.getLong(o + layout.bytearrayStart);
    }

    /** The start of the allocation ({@code ob_bytes}). */
    public long allocation(long o) {
        return mem.getLong(o + layout.bytearrayBytes);
    }

    /** Bytes allocated ({@code ob_alloc}). */
    public long allocated(long o) {
        return mem.getLong(o + layout.bytearrayAlloc);
    }

    /** Live buffer exports ({@code ob_exports}; an {@code int} in older headers, so only the low word is read). */
    public long exports(long o) {
        return mem.getInt(o + layout.bytearrayExports);
    }

    public byte[] toArray(long o) {
        long n = size(o);
        return ViewArrays.copy(mem, n == 0 ? 0 : data(o), n);
    }
}
