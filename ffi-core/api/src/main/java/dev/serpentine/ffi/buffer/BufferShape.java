package dev.serpentine.ffi.buffer;

import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.PyBufferView;

/**
 * One read of a {@code Py_buffer}'s geometry: the fields and the shape, strides and suboffsets arrays copied into
 * Java arrays, so that element loops read no native memory but the data. Missing arrays are filled in as CPython
 * defines them: no shape means one dimension of {@code len / itemsize} items, no strides means C-contiguous.
 */
final class BufferShape {

    final long buf;
    final long len;
    final long itemsize;
    final boolean readonly;
    final int ndim;
    final long[] shape;
    final long[] strides;
    /** Null when the buffer has no suboffsets (not indirect). */
    final long[] suboffsets;
    /** Whether the exporter gave strides (CPython's contiguity rules differ without them). */
    final boolean hasStrides;
    final long items;

    BufferShape(NativeMemory mem, long view) {
        if (view == 0) throw new IllegalArgumentException("Py_buffer address is NULL");
        buf = mem.getLong(view + PyBufferView.BUF);
        len = mem.getLong(view + PyBufferView.LEN);
        long size = mem.getLong(view + PyBufferView.ITEMSIZE);
        readonly = mem.getInt(view + PyBufferView.READONLY) != 0;
        int n = mem.getInt(view + PyBufferView.NDIM);
        if (n < 0 || n > PyBufferView.MAX_NDIM) {
            throw new IllegalArgumentException("not a Py_buffer: ndim " + n + " is outside 0…" + PyBufferView.MAX_NDIM);
        }
        if (len < 0) throw new IllegalArgumentException("not a Py_buffer: len " + len);
        itemsize = size <= 0 ? 1 : size;
        long shapeArray = mem.getLong(view + PyBufferView.SHAPE);
        long stridesArray = mem.getLong(view + PyBufferView.STRIDES);
        long subArray = mem.getLong(view + PyBufferView.SUBOFFSETS);
        if (shapeArray == 0 && n > 0) {
            ndim = 1; // a PyBUF_SIMPLE / ND-less request: one dimension of bytes
            shape = new long[]{len / itemsize};
        } else {
            ndim = n;
            shape = read(mem, shapeArray, n);
        }
        hasStrides = stridesArray != 0;
        strides = hasStrides ? read(mem, stridesArray, ndim) : cStrides(shape, itemsize);
        suboffsets = subArray != 0 ? read(mem, subArray, ndim) : null;
        long count = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("not a Py_buffer: negative shape " + d);
            count = Math.multiplyExact(count, d);
        }
        items = count;
        if (len != count * itemsize && !(shapeArray == 0 && n > 0)) {
            // The element loops trust shape × itemsize; a length that disagrees would make them overrun the copy.
            throw new IllegalArgumentException("not a Py_buffer: len " + len + " disagrees with shape "
                    + java.util.Arrays.toString(shape) + " × itemsize " + itemsize + " = " + count * itemsize);
        }
    }

    /**
     * The extent of a direct buffer's elements around {@code buf}: {@code [0]} the lowest byte offset (negative
     * strides reach below {@code buf}), {@code [1]} the number of bytes from there to the end of the last element.
     */
    long[] span() {
        long lo = 0;
        long hi = 0;
        for (int i = 0; i < ndim; i++) {
            long extent = (shape[i] - 1) * strides[i];
            if (extent < 0) lo += extent;
            else hi += extent;
        }
        return new long[]{lo, hi - lo + itemsize};
    }

    private static long[] read(NativeMemory mem, long array, int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = mem.getLong(array + 8L * i);
        return a;
    }

    static long[] cStrides(long[] shape, long itemsize) {
        long[] s = new long[shape.length];
        long sd = itemsize;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = sd;
            sd *= shape[i];
        }
        return s;
    }

    /** CPython's {@code PyBuffer_IsContiguous}, for 'C', 'F' and 'A'. */
    boolean isContiguous(char order) {
        if (order != 'C' && order != 'F' && order != 'A') throw Orders.bad(order);
        if (suboffsets != null) return false;
        return switch (order) {
            case 'C' -> isC();
            case 'F' -> isFortran();
            case 'A' -> isC() || isFortran();
            default -> throw Orders.bad(order);
        };
    }

    private boolean isC() {
        if (len == 0 || !hasStrides) return true;
        long sd = itemsize;
        for (int i = ndim - 1; i >= 0; i--) {
            if (shape[i] > 1 && strides[i] != sd) return false;
            sd *= shape[i];
        }
        return true;
    }

    private boolean isFortran() {
        if (len == 0) return true;
        if (!hasStrides) {
            if (ndim <= 1) return true;
            int longDims = 0;
            for (long d : shape) if (d > 1) longDims++;
            return longDims <= 1; // C-contiguous and effectively 1-D
        }
        long sd = itemsize;
        for (int i = 0; i < ndim; i++) {
            if (shape[i] > 1 && strides[i] != sd) return false;
            sd *= shape[i];
        }
        return true;
    }

    /** The address of the element at {@code indices}, following suboffsets (CPython's {@code PyBuffer_GetPointer}). */
    long pointer(NativeMemory mem, long[] indices) {
        long p = buf;
        for (int i = 0; i < ndim; i++) {
            p += strides[i] * indices[i];
            if (suboffsets != null && suboffsets[i] >= 0) p = mem.getLong(p) + suboffsets[i];
        }
        return p;
    }
}
