package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.buffer.BufferProtocol;
import dev.serpentine.ffi.buffer.PyBuffers;
import dev.serpentine.ffi.view.PyBufferView;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Shared pieces of the buffer tests: native blocks that are all freed, the C-API oracles (CPython's own
 * {@code PyBuffer_*} functions and {@code memoryview.tobytes}), and small Python helpers. Every call needs the GIL.
 */
final class BufferKit {

    static final CPythonBinding PY = Live.PY;
    static final NativeMemory MEM = Live.MEM;
    static final BufferProtocol PROTOCOL = new BufferProtocol(Live.INTERPRETER);
    static final PyBuffers BUFFERS = PROTOCOL.buffers();
    static final char[] ORDERS = {'C', 'F', 'A'};

    private BufferKit() {
    }

    /** Native blocks from {@code PyMem_RawCalloc}; {@link #close()} frees every one of them. */
    static final class Natives implements AutoCloseable {
        private final List<Long> blocks = new ArrayList<>();

        /** {@code size} zeroed bytes (at least one, so that the address is never NULL). */
        long alloc(long size) {
            long p = PY.PyMem_RawCalloc(1, Math.max(1, size));
            if (p == 0) throw new OutOfMemoryError("PyMem_RawCalloc(" + size + ")");
            blocks.add(p);
            return p;
        }

        long bytes(byte[] b) {
            long p = alloc(b.length);
            if (b.length > 0) MEM.copyFromArray(b, 0, p, b.length);
            return p;
        }

        long longs(long... values) {
            long p = alloc(8L * values.length);
            for (int i = 0; i < values.length; i++) MEM.putLong(p + 8L * i, values[i]);
            return p;
        }

        long cString(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return bytes(Arrays.copyOf(b, b.length + 1));
        }

        /** Frees one block early. */
        void free(long p) {
            if (blocks.remove(Long.valueOf(p))) PY.PyMem_RawFree(p);
        }

        int count() {
            return blocks.size();
        }

        @Override
        public void close() {
            for (long p : blocks) PY.PyMem_RawFree(p);
            blocks.clear();
        }
    }

    static byte[] read(long address, long len) {
        byte[] b = new byte[Math.toIntExact(len)];
        if (len > 0) MEM.copyToArray(address, b, 0, b.length);
        return b;
    }

    static long[] readLongs(long address, int n) {
        if (address == 0) return null;
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = MEM.getLong(address + 8L * i);
        return a;
    }

    // --- the C oracles ---------------------------------------------------------------------------------------

    /** CPython's {@code PyBuffer_*} functions; {@code view}s must be layouts CPython itself defines. */
    static final class Oracle implements AutoCloseable {
        private final Natives natives = new Natives();
        private final long indices = natives.alloc(8L * PyBufferView.MAX_NDIM);

        boolean isContiguous(long view, char order) {
            int r = PY.PyBuffer_IsContiguous(view, (byte) order);
            if (r != 0 && r != 1) throw new AssertionError("PyBuffer_IsContiguous returned " + r);
            return r == 1;
        }

        /** {@code PyBuffer_GetPointer}; the view must have strides (or ndim 0). */
        long pointer(long view, long[] index) {
            for (int i = 0; i < index.length; i++) MEM.putLong(indices + 8L * i, index[i]);
            return PY.PyBuffer_GetPointer(view, indices);
        }

        /** {@code PyBuffer_ToContiguous} into a fresh block; the result's bytes. */
        byte[] toContiguous(long view, char order) {
            long len = MEM.getLong(view + PyBufferView.LEN);
            long dst = natives.alloc(len);
            try {
                if (PY.PyBuffer_ToContiguous(dst, view, len, (byte) order) != 0) {
                    throw Live.INTERPRETER.error("PyBuffer_ToContiguous");
                }
                return read(dst, len);
            } finally {
                natives.free(dst);
            }
        }

        /** {@code PyBuffer_FromContiguous} of {@code len} bytes of {@code src}. */
        void fromContiguous(long view, byte[] src, long len, char order) {
            long s = natives.bytes(src);
            try {
                if (PY.PyBuffer_FromContiguous(view, s, len, (byte) order) != 0) {
                    throw Live.INTERPRETER.error("PyBuffer_FromContiguous");
                }
            } finally {
                natives.free(s);
            }
        }

        /** {@code PyMemoryView_FromBuffer(view).tobytes(order)}; {@code view.buf} must not be NULL. */
        byte[] memoryviewToBytes(long view, char order) {
            long mv = PY.PyMemoryView_FromBuffer(view);
            if (mv == 0) throw Live.INTERPRETER.error("PyMemoryView_FromBuffer");
            try {
                return tobytes(mv, order);
            } finally {
                PY.Py_DecRef(mv);
            }
        }

        @Override
        public void close() {
            natives.close();
        }
    }

    // --- Python helpers --------------------------------------------------------------------------------------

    /** {@code obj.tobytes(order)}. */
    static byte[] tobytes(long obj, char order) {
        long r = callMethod(obj, "tobytes", String.valueOf(order));
        try {
            return bytesOf(r);
        } finally {
            PY.Py_DecRef(r);
        }
    }

    /** {@code obj.name(*args)} with str and int arguments: a new reference. */
    static long callMethod(long obj, String name, Object... args) {
        long fn = Live.withCString(name, c -> PY.PyObject_GetAttrString(obj, c));
        if (fn == 0) throw Live.INTERPRETER.error("getattr " + name);
        long tuple = PY.PyTuple_New(args.length);
        try {
            for (int i = 0; i < args.length; i++) {
                long item;
                if (args[i] instanceof String) {
                    byte[] b = ((String) args[i]).getBytes(StandardCharsets.UTF_8);
                    try (Natives n = new Natives()) {
                        item = PY.PyUnicode_FromStringAndSize(n.bytes(b), b.length);
                    }
                } else {
                    item = PY.PyLong_FromLongLong(((Number) args[i]).longValue());
                }
                if (item == 0) throw Live.INTERPRETER.error("argument " + i);
                PY.PyTuple_SetItem(tuple, i, item);
            }
            long r = PY.PyObject_CallObject(fn, tuple);
            if (r == 0) throw Live.INTERPRETER.error("calling " + name);
            return r;
        } finally {
            PY.Py_DecRef(tuple);
            PY.Py_DecRef(fn);
        }
    }

    /** The contents of a {@code bytes} object. */
    static byte[] bytesOf(long bytesObject) {
        long p = PY.PyBytes_AsString(bytesObject);
        if (p == 0) throw Live.INTERPRETER.error("PyBytes_AsString");
        return read(p, PY.PyBytes_Size(bytesObject));
    }

    /** Evaluates an expression that gives {@code bytes} (or anything {@code bytes()} accepts). */
    static byte[] evalBytes(String expression) {
        long r = Live.eval("bytes(" + expression + ")");
        try {
            return bytesOf(r);
        } finally {
            PY.Py_DecRef(r);
        }
    }

    static String evalString(String expression) {
        return Live.INTERPRETER.evalString("str(" + expression + ")");
    }

    /** Evaluates a tuple of ints ({@code mv.shape}, {@code mv.strides} …). */
    static long[] evalLongs(String expression) {
        String s = Live.INTERPRETER.evalString("','.join(map(str, " + expression + "))");
        if (s.isEmpty()) return new long[0];
        return Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray();
    }

    /** Binds {@code obj} to a name in the interpreter's namespace (a new reference is taken). */
    static void bind(String name, long obj) {
        long globals = Live.eval("globals()");
        try {
            long key = Live.withCString(name, c -> PY.PyUnicode_FromStringAndSize(c, name.length()));
            try {
                if (PY.PyDict_SetItem(globals, key, obj) != 0) throw Live.INTERPRETER.error("binding " + name);
            } finally {
                PY.Py_DecRef(key);
            }
        } finally {
            PY.Py_DecRef(globals);
        }
    }

    /** The Python error {@code PyObject_GetBuffer(exporter, flags)} raises, or null when it succeeds (released). */
    static PythonException getBufferError(long exporter, int flags) {
        try (Natives n = new Natives()) {
            long view = n.alloc(PyBufferView.SIZE);
            if (PY.PyObject_GetBuffer(exporter, view, flags) != 0) return Live.INTERPRETER.error("PyObject_GetBuffer");
            PY.PyBuffer_Release(view);
            return null;
        }
    }

    // --- index tuples ----------------------------------------------------------------------------------------

    /** Every index tuple of {@code shape} in C ('C', 'A') or Fortran ('F') order; one empty tuple for ndim 0. */
    static void forEachIndex(long[] shape, char order, Consumer<long[]> action) {
        for (long d : shape) if (d == 0) return;
        int n = shape.length;
        long[] index = new long[n];
        boolean f = order == 'F';
        while (true) {
            action.accept(index.clone());
            int k = f ? 0 : n - 1;
            while (true) {
                if (k < 0 || k >= n) return;
                if (++index[k] < shape[k]) break;
                index[k] = 0;
                k = f ? k + 1 : k - 1;
            }
        }
    }

    static List<long[]> indices(long[] shape, char order) {
        List<long[]> all = new ArrayList<>();
        forEachIndex(shape, order, all::add);
        return all;
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

    /**
     * A copy of the {@code Py_buffer} at {@code view} with explicit shape and C strides where it has none, for
     * the C functions that dereference strides ({@code GetPointer}, non-contiguous {@code FromContiguous}); never
     * released, only freed with {@code natives}. "No strides" means C-contiguous, so CPython's meaning is unchanged.
     */
    static long withStrides(Natives natives, long view) {
        long copy = natives.alloc(PyBufferView.SIZE);
        MEM.copy(view, copy, PyBufferView.SIZE);
        int ndim = MEM.getInt(view + PyBufferView.NDIM);
        long itemsize = MEM.getLong(view + PyBufferView.ITEMSIZE);
        long shapeArray = MEM.getLong(view + PyBufferView.SHAPE);
        long[] shape;
        if (shapeArray == 0 && ndim > 0) {
            shape = new long[]{MEM.getLong(view + PyBufferView.LEN) / itemsize};
            MEM.putInt(copy + PyBufferView.NDIM, 1);
        } else {
            shape = readLongs(shapeArray, ndim);
            if (shape == null) shape = new long[0];
        }
        if (MEM.getLong(view + PyBufferView.STRIDES) == 0 && shape.length > 0) {
            MEM.putLong(copy + PyBufferView.SHAPE, natives.longs(shape));
            MEM.putLong(copy + PyBufferView.STRIDES, natives.longs(cStrides(shape, itemsize)));
        }
        return copy;
    }

    /** The logical shape the Java side walks: {@code [len / itemsize]} for a view without shape. */
    static long[] logicalShape(long view) {
        int ndim = MEM.getInt(view + PyBufferView.NDIM);
        long shapeArray = MEM.getLong(view + PyBufferView.SHAPE);
        if (shapeArray == 0) {
            return ndim == 0 ? new long[0]
                    : new long[]{MEM.getLong(view + PyBufferView.LEN) / MEM.getLong(view + PyBufferView.ITEMSIZE)};
        }
        return readLongs(shapeArray, ndim);
    }

    /**
     * Compares every Java operation that only reads with CPython on the {@code Py_buffer} at {@code view}:
     * contiguity, element pointers, copies in every order ({@code ToContiguous} and {@code memoryview.tobytes} of
     * a memoryview over the same struct) and element walks.
     */
    static void compareReads(Oracle oracle, long view, String what) {
        try (Natives n = new Natives()) {
            long strided = withStrides(n, view);
            long len = MEM.getLong(view + PyBufferView.LEN);
            long[] shape = logicalShape(view);
            for (char order : ORDERS) {
                assertEquals(oracle.isContiguous(view, order), BUFFERS.isContiguous(view, order),
                        what + ": isContiguous('" + order + "')");
                byte[] c = oracle.toContiguous(view, order);
                long dst = n.alloc(len);
                BUFFERS.toContiguous(view, dst, len, order);
                assertArrayEquals(c, read(dst, len), what + ": toContiguous('" + order + "')");
                assertArrayEquals(c, BUFFERS.toArray(view, order), what + ": toArray('" + order + "')");
                assertArrayEquals(c, oracle.memoryviewToBytes(view, order),
                        what + ": PyMemoryView_FromBuffer(view).tobytes('" + order + "') vs ToContiguous");
                List<Long> expected = new ArrayList<>();
                forEachIndex(shape, order, idx -> expected.add(oracle.pointer(strided, idx)));
                List<Long> visited = new ArrayList<>();
                BUFFERS.forEachElement(view, order, visited::add);
                assertEquals(expected, visited, what + ": forEachElement('" + order + "')");
            }
            forEachIndex(shape, 'C', idx -> assertEquals(oracle.pointer(strided, idx), BUFFERS.pointer(view, idx),
                    () -> what + ": pointer" + Arrays.toString(idx)));
        }
    }
}
