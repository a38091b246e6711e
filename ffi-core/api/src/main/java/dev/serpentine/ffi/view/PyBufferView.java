package dev.serpentine.ffi.view;

import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.NativeMemory;

/**
 * A {@code Py_buffer} struct (not an object): identical, 80 bytes, in every CPython 3.9–3.14 and in free-threaded
 * builds. {@code shape}, {@code strides} and {@code suboffsets} may be NULL as the request flags allow.
 */
public final class PyBufferView {

    public static final int SIZE = 80;
    public static final int BUF = 0;
    public static final int OBJ = 8;
    public static final int LEN = 16;
    public static final int ITEMSIZE = 24;
    public static final int READONLY = 32;
    public static final int NDIM = 36;
    public static final int FORMAT = 40;
    public static final int SHAPE = 48;
    public static final int STRIDES = 56;
    public static final int SUBOFFSETS = 64;
    public static final int INTERNAL = 72;

    /** {@code PyBUF_MAX_NDIM}. */
    public static final int MAX_NDIM = 64;

    private final NativeMemory mem;

    public PyBufferView(NativeMemory mem) {
        this.mem = mem;
    }

    /** Verifies {@code view} is not NULL and has a sane {@code ndim} (0 … 64), then returns it. */
    public long checked(long view) {
        if (view == 0) throw new IllegalArgumentException("Py_buffer address is NULL");
        int ndim = ndim(view);
        if (ndim < 0 || ndim > MAX_NDIM) {
            throw new IllegalArgumentException("not a Py_buffer: ndim " + ndim + " is outside 0…" + MAX_NDIM);
        }
        return view;
    }

    public long buf(long view) {
        return mem.getLong(view + BUF);
    }

    /** The exporter (a reference owned by the buffer), or NULL. */
    public long obj(long view) {
        return mem.getLong(view + OBJ);
    }

    public long len(long view) {
        return mem.getLong(view + LEN);
    }

    public long itemsize(long view) {
        return mem.getLong(view + ITEMSIZE);
    }

    public boolean readonly(long view) {
        return mem.getInt(view + READONLY) != 0;
    }

    public int ndim(long view) {
        return mem.getInt(view + NDIM);
    }

    /** The struct-module format string; NULL means {@code "B"}. */
    public String format(long view) {
        long f = mem.getLong(view + FORMAT);
        return f == 0 ? null : CStrings.read(mem, f);
    }

    public long shapeArray(long view) {
        return mem.getLong(view + SHAPE);
    }

    public long stridesArray(long view) {
        return mem.getLong(view + STRIDES);
    }

    public long suboffsetsArray(long view) {
        return mem.getLong(view + SUBOFFSETS);
    }

    public long internal(long view) {
        return mem.getLong(view + INTERNAL);
    }

    /** {@code shape[dim]}; requires a non-NULL shape. */
    public long shape(long view, int dim) {
        return mem.getLong(shapeArray(view) + 8L * dim);
    }

    /** {@code strides[dim]}; requires non-NULL strides. */
    public long stride(long view, int dim) {
        return mem.getLong(stridesArray(view) + 8L * dim);
    }

    /** {@code suboffsets[dim]}; requires non-NULL suboffsets. */
    public long suboffset(long view, int dim) {
        return mem.getLong(suboffsetsArray(view) + 8L * dim);
    }
}
