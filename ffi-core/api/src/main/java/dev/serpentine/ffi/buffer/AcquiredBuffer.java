package dev.serpentine.ffi.buffer;

import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.PyBufferView;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A buffer held from an exporter: its {@code Py_buffer}, the operations over it, and Java windows on its memory.
 * While it is held the exporter keeps the memory in place (a {@code bytearray} refuses to resize). {@link #close()}
 * releases it ({@code PyBuffer_Release}) and frees the struct; it needs the GIL, like every other call here.
 * After release, every call throws {@link IllegalStateException}.
 */
public final class AcquiredBuffer implements AutoCloseable {

    private final CPythonBinding py;
    private final NativeMemory mem;
    private final PyBuffers buffers;
    private final PyBufferView fields;
    private final List<NativeMemory.MemoryWindow> windows = new ArrayList<>();
    private long view;

    AcquiredBuffer(CPythonBinding py, PyBuffers buffers, long view) {
        this.py = py;
        this.mem = py.memory();
        this.buffers = buffers;
        this.fields = new PyBufferView(mem);
        this.view = view;
    }

    private long view() {
        long v = view;
        if (v == 0) throw new IllegalStateException("the buffer has been released");
        return v;
    }

    /** Address of the {@code Py_buffer} struct. */
    public long address() {
        return view();
    }

    /** The exporting object (borrowed from the buffer). */
    public long exporter() {
        return fields.obj(view());
    }

    public long buf() {
        return fields.buf(view());
    }

    public long len() {
        return fields.len(view());
    }

    public long itemsize() {
        return fields.itemsize(view());
    }

    public boolean readonly() {
        return fields.readonly(view());
    }

    public int ndim() {
        return fields.ndim(view());
    }

    /** The struct-module format, or null (meaning unsigned bytes) when not requested. */
    public String format() {
        return fields.format(view());
    }

    /** The shape, or null when not requested ({@code PyBUF_SIMPLE}). */
    public long[] shape() {
        return array(fields.shapeArray(view()));
    }

    /** The strides, or null when not requested (C-contiguous). */
    public long[] strides() {
        return array(fields.stridesArray(view()));
    }

    /** The suboffsets, or null for a direct buffer. */
    public long[] suboffsets() {
        return array(fields.suboffsetsArray(view()));
    }

    private long[] array(long address) {
        if (address == 0) return null;
        long[] a = new long[ndim()];
        for (int i = 0; i < a.length; i++) a[i] = mem.getLong(address + 8L * i);
        return a;
    }

    public boolean isContiguous(char order) {
        return buffers.isContiguous(view(), order);
    }

    /** See {@link PyBuffers#pointer}. */
    public long pointer(long... indices) {
        return buffers.pointer(view(), indices);
    }

    /** See {@link PyBuffers#toContiguous}. */
    public void copyTo(long dst, long len, char order) {
        buffers.toContiguous(view(), dst, len, order);
    }

    /** See {@link PyBuffers#fromContiguous}. */
    public void copyFrom(long src, long len, char order) {
        buffers.fromContiguous(view(), src, len, order);
    }

    /** See {@link PyBuffers#toArray}. */
    public byte[] toArray(char order) {
        return buffers.toArray(view(), order);
    }

    /** See {@link PyBuffers#fromArray}. */
    public void copyFrom(byte[] src, char order) {
        buffers.fromArray(view(), src, order);
    }

    /** See {@link PyBuffers#forEachElement}. */
    public void forEachElement(char order, PyBuffers.ElementVisitor visitor) {
        buffers.forEachElement(view(), order, visitor);
    }

    /** The memory as a {@link ByteBuffer} (read-only when the buffer is): {@code as(ByteBuffer.class)}. */
    public ByteBuffer asByteBuffer() {
        return as(ByteBuffer.class);
    }

    /**
     * The memory of a contiguous buffer as {@code ByteBuffer.class} or, with the FFM backend,
     * {@code java.lang.foreign.MemorySegment.class} — read-only when the buffer is, without a copy. With FFM the
     * window is closed at release, so a late access throws instead of reading freed memory; with JNA it cannot be
     * revoked and must not be used after {@link #close()}.
     *
     * @throws IllegalStateException when the buffer is not contiguous (copy it with {@link #toArray} instead)
     */
    public <T> T as(Class<T> type) {
        long v = view();
        if (!buffers.isContiguous(v, 'A')) {
            throw new IllegalStateException("a strided or indirect buffer has no single window; copy it with toArray");
        }
        NativeMemory.MemoryWindow w = mem.window(fields.buf(v), fields.len(v), fields.readonly(v));
        windows.add(w);
        return w.as(type);
    }

    /** Releases the buffer (GIL held). Idempotent. */
    @Override
    public void close() {
        long v = view;
        if (v == 0) return;
        view = 0;
        windows.forEach(NativeMemory.MemoryWindow::close);
        windows.clear();
        py.PyBuffer_Release(v);
        py.PyMem_Free(v);
    }
}
