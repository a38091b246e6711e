package dev.serpentine.ffi.buffer;

import dev.serpentine.ffi.binding.NativeMemory;

/**
 * CPython's buffer algorithms, in Java, over a {@code Py_buffer} at a native address: contiguity, element pointers,
 * contiguous copies in C or Fortran order, and element iteration. Byte for byte what {@code PyBuffer_IsContiguous},
 * {@code PyBuffer_GetPointer}, {@code PyBuffer_ToContiguous} and {@code PyBuffer_FromContiguous} do, with checks the
 * C functions leave out: index bounds, lengths, read-only targets and order letters are exceptions here.
 *
 * <p>The buffer must stay acquired during each call; none of these calls Python or needs the GIL beyond that.
 */
public final class PyBuffers {

    /** Receives the address of one element, in the walk's logical order. */
    @FunctionalInterface
    public interface ElementVisitor {
        void element(long address);
    }

    private final NativeMemory mem;

    public PyBuffers(NativeMemory mem) {
        this.mem = mem;
    }

    /** Whether the buffer is C ('C'), Fortran ('F') or either ('A') contiguous; indirect buffers never are. */
    public boolean isContiguous(long view, char order) {
        return new BufferShape(mem, view).isContiguous(order);
    }

    /**
     * The address of the element at {@code indices} (one per dimension), following strides — negative ones too —
     * and suboffsets.
     *
     * @throws IndexOutOfBoundsException for a wrong number of indices or an index outside its dimension
     */
    public long pointer(long view, long... indices) {
        BufferShape s = new BufferShape(mem, view);
        if (indices.length != s.ndim) {
            throw new IndexOutOfBoundsException(s.ndim + " indices needed, " + indices.length + " given");
        }
        for (int i = 0; i < s.ndim; i++) {
            if (indices[i] < 0 || indices[i] >= s.shape[i]) {
                throw new IndexOutOfBoundsException("index " + indices[i] + " of dimension " + i + " is outside 0…"
                        + (s.shape[i] - 1));
            }
        }
        return s.pointer(mem, indices);
    }

    /**
     * Copies the whole buffer to {@code len} bytes at {@code dst}, elements in {@code order} ('A': as stored when
     * contiguous, else C).
     *
     * @throws IllegalArgumentException when {@code len} is not the buffer's length, or for a bad order letter
     */
    public void toContiguous(long view, long dst, long len, char order) {
        BufferShape s = new BufferShape(mem, view);
        if (len != s.len) {
            throw new IllegalArgumentException("the destination holds " + len + " bytes, the buffer " + s.len);
        }
        if (s.isContiguous(order)) {
            if (len > 0) mem.copy(s.buf, dst, len);
            return;
        }
        byte[] gathered = gather(s, order);
        if (gathered != null) {
            mem.copyFromArray(gathered, 0, dst, gathered.length);
            return;
        }
        long itemsize = s.itemsize;
        long[] out = {dst};
        walk(s, Orders.walk(order), s.items, address -> {
            mem.copy(address, out[0], itemsize);
            out[0] += itemsize;
        });
    }

    /**
     * A direct buffer whose elements lie in a span not much larger than its length, gathered with one bulk read of
     * the span and copies inside Java — one native access instead of one per element (a JNI call each with JNA).
     * Null when the buffer is indirect, empty, or too sparse for that to pay.
     */
    private byte[] gather(BufferShape s, char order) {
        if (s.suboffsets != null || s.items == 0) return null;
        long[] span = s.span();
        if (span[1] > Integer.MAX_VALUE - 8 || span[1] > 4 * s.len + 4096 || s.len > Integer.MAX_VALUE - 8) return null;
        byte[] window = new byte[(int) span[1]];
        long base = s.buf + span[0];
        mem.copyToArray(base, window, 0, window.length);
        byte[] out = new byte[(int) s.len];
        int itemsize = (int) s.itemsize;
        int[] at = {0};
        if (s.ndim == 0) {
            System.arraycopy(window, 0, out, 0, itemsize);
            return out;
        }
        walkRows(s, Orders.walk(order), s.items, (index, fastest, address, stride, n) -> {
            int from = (int) (address - base);
            int to = at[0];
            if (stride == itemsize) {
                System.arraycopy(window, from, out, to, (int) n * itemsize);
            } else if (itemsize == 1) {
                for (int k = 0; k < n; k++, from += (int) stride) out[to + k] = window[from];
            } else {
                for (int k = 0; k < n; k++, from += (int) stride) System.arraycopy(window, from, out, to + k * itemsize, itemsize);
            }
            at[0] = to + (int) n * itemsize;
        });
        return out;
    }

    /**
     * Copies {@code len} bytes from {@code src} into the buffer, elements in {@code order}; a shorter {@code len}
     * fills the first {@code len / itemsize} elements in that order, as CPython does.
     *
     * @throws IllegalArgumentException when {@code len} is negative or more than the buffer holds, or for a bad order
     * @throws IllegalStateException    when the buffer is read-only
     */
    public void fromContiguous(long view, long src, long len, char order) {
        BufferShape s = new BufferShape(mem, view);
        if (s.readonly) throw new IllegalStateException("the buffer is read-only");
        if (len < 0 || len > s.len) {
            throw new IllegalArgumentException("cannot copy " + len + " bytes into a buffer of " + s.len);
        }
        if (s.isContiguous(order)) {
            if (len > 0) mem.copy(src, s.buf, len);
            return;
        }
        long itemsize = s.itemsize;
        long[] in = {src};
        walk(s, Orders.walk(order), len / itemsize, address -> {
            mem.copy(in[0], address, itemsize);
            in[0] += itemsize;
        });
    }

    /** The buffer's bytes, elements in {@code order}: what {@code memoryview.tobytes(order)} returns. */
    public byte[] toArray(long view, char order) {
        BufferShape s = new BufferShape(mem, view);
        if (s.len > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(s.len + " bytes do not fit a Java array");
        if (!s.isContiguous(order)) {
            byte[] gathered = gather(s, order);
            if (gathered != null) return gathered;
        }
        byte[] out = new byte[(int) s.len];
        if (s.isContiguous(order)) {
            if (s.len > 0) mem.copyToArray(s.buf, out, 0, out.length);
            return out;
        }
        int itemsize = (int) s.itemsize;
        int[] at = {0};
        walk(s, Orders.walk(order), s.items, address -> {
            mem.copyToArray(address, out, at[0], itemsize);
            at[0] += itemsize;
        });
        return out;
    }

    /** Copies {@code src} into the buffer, elements in {@code order}; {@code src} must hold exactly its length. */
    public void fromArray(long view, byte[] src, char order) {
        BufferShape s = new BufferShape(mem, view);
        if (s.readonly) throw new IllegalStateException("the buffer is read-only");
        if (src.length != s.len) {
            throw new IllegalArgumentException("the source holds " + src.length + " bytes, the buffer " + s.len);
        }
        if (s.isContiguous(order)) {
            if (src.length > 0) mem.copyFromArray(src, 0, s.buf, src.length);
            return;
        }
        int itemsize = (int) s.itemsize;
        int[] at = {0};
        walk(s, Orders.walk(order), s.items, address -> {
            mem.copyFromArray(src, at[0], address, itemsize);
            at[0] += itemsize;
        });
    }

    /** Visits every element's address in logical {@code order} ('C', 'F'; 'A' = 'C'), without copying anything. */
    public void forEachElement(long view, char order, ElementVisitor visitor) {
        BufferShape s = new BufferShape(mem, view);
        walk(s, Orders.walk(order), s.items, visitor);
    }

    /**
     * The first {@code count} elements in C ('C') or Fortran ('F') order. Direct buffers advance one stride per
     * element; indirect ones resolve each element's pointer through the suboffsets.
     */
    private void walk(BufferShape s, char order, long count, ElementVisitor visitor) {
        if (count == 0) return;
        if (s.ndim == 0) {
            visitor.element(s.buf);
            return;
        }
        boolean indirect = s.suboffsets != null;
        walkRows(s, order, count, (index, fastest, address, stride, n) -> {
            if (indirect) {
                for (long k = 0; k < n; k++) {
                    index[fastest] = k;
                    visitor.element(s.pointer(mem, index));
                }
                index[fastest] = 0;
            } else {
                for (long k = 0, p = address; k < n; k++, p += stride) visitor.element(p);
            }
        });
    }

    /** One run of elements along the fastest dimension: {@code n} of them, {@code stride} bytes apart. */
    @FunctionalInterface
    private interface RowVisitor {
        /** {@code index} holds the slower dimensions' indices; {@code address} is meaningless for indirect buffers. */
        void row(long[] index, int fastest, long address, long stride, long n);
    }

    /** The rows of the first {@code count} elements, in order: an odometer over the slower dimensions. */
    private static void walkRows(BufferShape s, char order, long count, RowVisitor visitor) {
        int ndim = s.ndim;
        long[] index = new long[ndim];
        boolean c = order == 'C';
        int fastest = c ? ndim - 1 : 0;
        long rowStart = s.buf; // the address of the row's first element (direct buffers)
        for (long done = 0; done < count; ) {
            long n = Math.min(s.shape[fastest], count - done);
            visitor.row(index, fastest, rowStart, s.strides[fastest], n);
            done += n;
            for (int d = c ? fastest - 1 : fastest + 1; d >= 0 && d < ndim; d = c ? d - 1 : d + 1) {
                index[d]++;
                rowStart += s.strides[d];
                if (index[d] < s.shape[d]) break;
                rowStart -= s.strides[d] * index[d];
                index[d] = 0;
            }
        }
    }
}
