package dev.serpentine.ffi.buffer;

import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.GilOwnership;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.PyBufferView;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A buffer held from an exporter: its {@code Py_buffer}, the operations over it, and Java windows on its memory.
 * While it is held the exporter keeps the memory in place (a {@code bytearray} refuses to resize). {@link #close()}
 * releases it ({@code PyBuffer_Release}) and frees the struct; it needs the GIL, like every other call here.
 * After release, every call throws {@link IllegalStateException}. A buffer dropped without {@code close()} is
 * released at the next GIL entry after the garbage collector finds it unreachable (its windows close first).
 */
public final class AcquiredBuffer implements AutoCloseable {

    private final CPythonBinding py;
    private final NativeMemory mem;
    private final PyBuffers buffers;
    private final PyBufferView fields;
    /** Read by the backstop on the thread that drains it, hence thread-safe. */
    private final List<NativeMemory.MemoryWindow> windows = new CopyOnWriteArrayList<>();
    private final GilOwnership.Backstop backstop;
    private long view;

    AcquiredBuffer(CPythonBinding py, PyBuffers buffers, long view) {
        this.py = py;
        this.mem = py.memory();
        this.buffers = buffers;
        this.fields = new PyBufferView(mem);
        this.view = view;
        List<NativeMemory.MemoryWindow> windows = this.windows;
        this.backstop = GilOwnership.backstop(this, () -> release(py, windows, view));
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
        try {
            buffers.forEachElement(view(), order, visitor);
        } finally {
            // the visitor may run any code, a GIL entry among it: the backstop must not release the buffer meanwhile
            Reference.reachabilityFence(this);
        }
    }

    /**
     * The memory as a {@link ByteBuffer} (read-only when the buffer is), FFM backend only: {@code as(ByteBuffer.class)}.
     */
    public ByteBuffer asByteBuffer() {
        return as(ByteBuffer.class);
    }

    /**
     * The memory of a contiguous buffer as {@code ByteBuffer.class} or {@code java.lang.foreign.MemorySegment.class}
     * — read-only when the buffer is, without a copy — with the FFM backend only: the window is closed at release,
     * so a late access throws instead of reading freed memory. The JNA backend cannot revoke a window, so it hands
     * out none; copy with {@link #toArray} or {@link #copyTo} there.
     *
     * @throws IllegalStateException when the buffer is not contiguous (copy it with {@link #toArray} instead)
     * @throws UnsupportedOperationException with the JNA backend, or for another type
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

    /**
     * Releases the buffer (GIL held). Idempotent. Without the GIL it throws {@link IllegalStateException} and stays
     * held, so a retry inside a GIL task releases it.
     */
    @Override
    public void close() {
        long v = view;
        if (v == 0) return;
        GilOwnership.require("releasing a buffer");
        view = 0;
        backstop.disarm();
        release(py, windows, v);
    }

    /** Closes the windows, then releases the buffer and frees its struct (GIL held). */
    private static void release(CPythonBinding py, List<NativeMemory.MemoryWindow> windows, long view) {
        windows.forEach(NativeMemory.MemoryWindow::close);
        windows.clear();
        py.PyBuffer_Release(view);
        py.PyMem_Free(view);
    }
}
