package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.CPythonBinding;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * What CPython reports about an object through its own C-API and Python code — the oracle the view tests compare
 * memory reads with. Every helper needs the GIL; every {@code long} is a raw object address. Helpers that return an
 * object return a new reference; helpers that return Java values leave no reference behind.
 */
final class Oracle {

    static final CPythonBinding PY = Live.PY;

    private Oracle() {
    }

    /** A new reference to a Python callable made from {@code source} (e.g. a lambda). */
    static long function(String source) {
        return Live.eval(source);
    }

    /** {@code fn(*args)}: a new reference; a Python error becomes a {@link PythonException}. */
    static long call(long fn, long... args) {
        long tuple = PY.PyTuple_New(args.length);
        if (tuple == 0) throw Live.INTERPRETER.error("PyTuple_New");
        for (int i = 0; i < args.length; i++) {
            PY.Py_IncRef(args[i]);
            PY.PyTuple_SetItem(tuple, i, args[i]);
        }
        try {
            long r = PY.PyObject_CallObject(fn, tuple);
            if (r == 0) throw Live.INTERPRETER.error("calling " + Live.repr(fn));
            return r;
        } finally {
            PY.Py_DecRef(tuple);
        }
    }

    /** {@code str(fn(*args))} as Java text. */
    static String callText(long fn, long... args) {
        long r = call(fn, args);
        try {
            return text(r);
        } finally {
            PY.Py_DecRef(r);
        }
    }

    /** {@code fn(*args)}, an int result that fits in a C {@code long long}. */
    static long callLong(long fn, long... args) {
        long r = call(fn, args);
        try {
            return asLong(r);
        } finally {
            PY.Py_DecRef(r);
        }
    }

    /** {@code PyLong_AsLongLong}, with a pending error turned into an exception. */
    static long asLong(long o) {
        long v = PY.PyLong_AsLongLong(o);
        if (v == -1 && PY.PyErr_Occurred() != 0) throw Live.INTERPRETER.error("PyLong_AsLongLong");
        return v;
    }

    /** {@code str(o)} as Java text. */
    static String text(long o) {
        long s = PY.PyObject_Str(o);
        if (s == 0) throw Live.INTERPRETER.error("str()");
        try {
            return Live.INTERPRETER.utf8(s);
        } finally {
            PY.Py_DecRef(s);
        }
    }

    /** Evaluates an expression whose value is an int. */
    static long evalLong(String expression) {
        long o = Live.eval(expression);
        try {
            return asLong(o);
        } finally {
            PY.Py_DecRef(o);
        }
    }

    /** Evaluates an expression and returns {@code str()} of its value. */
    static String evalText(String expression) {
        long o = Live.eval(expression);
        try {
            return text(o);
        } finally {
            PY.Py_DecRef(o);
        }
    }

    /** The items of a list (borrowed, through {@code PyList_GetItem}). */
    static long[] items(long list) {
        long n = PY.PyList_Size(list);
        if (n < 0) throw Live.INTERPRETER.error("PyList_Size");
        long[] items = new long[(int) n];
        for (int i = 0; i < n; i++) {
            items[i] = PY.PyList_GetItem(list, i);
            assertNotEquals(0L, items[i]);
        }
        return items;
    }

    /** The CPython minor version, e.g. 12 for 3.12. */
    static int minor() {
        return (int) evalLong("__import__('sys').version_info[1]");
    }

    /** A builtin exception type, e.g. {@code BufferError} (a borrowed reference: builtin types live forever). */
    static long exceptionType(String name) {
        long t = Live.eval(name);
        PY.Py_DecRef(t);
        return t;
    }

    /**
     * Asserts that a Python exception of exactly {@code type} is pending, and clears it without running Python code
     * ({@code PyErr_Fetch}, then the type, value and traceback are released).
     */
    static void takeError(long type, String context) {
        assertNotEquals(0L, PY.PyErr_Occurred(), () -> context + ": no exception set");
        long slots = calloc(24);
        try {
            PY.PyErr_Fetch(slots, slots + 8, slots + 16);
            long fetched = Live.MEM.getLong(slots);
            assertEquals(type, fetched, () -> context + ": unexpected exception type");
        } finally {
            PY.Py_DecRef(Live.MEM.getLong(slots));
            PY.Py_DecRef(Live.MEM.getLong(slots + 8));
            PY.Py_DecRef(Live.MEM.getLong(slots + 16));
            free(slots);
        }
        assertEquals(0L, PY.PyErr_Occurred());
    }

    /** A native block from {@code PyMem_RawCalloc}, for out-parameters and {@code Py_buffer}s. */
    static long calloc(long size) {
        long p = PY.PyMem_RawCalloc(1, size);
        if (p == 0) throw new OutOfMemoryError("PyMem_RawCalloc(" + size + ")");
        return p;
    }

    static void free(long p) {
        PY.PyMem_RawFree(p);
    }

    /** A native copy of {@code data} (free it with {@link #free}). */
    static long nativeCopy(byte[] data) {
        long p = calloc(Math.max(1, data.length));
        if (data.length > 0) Live.MEM.copyFromArray(data, 0, p, data.length);
        return p;
    }

    /** {@code PyBUF_SIMPLE}, {@code PyBUF_FULL_RO} and {@code PyBUF_RECORDS_RO} request flags. */
    static final int PyBUF_SIMPLE = 0;
    static final int PyBUF_FULL_RO = 0x11c;
    static final int PyBUF_RECORDS_RO = 0x1c;

    /**
     * A {@code Py_buffer} filled by {@code PyObject_GetBuffer} into an 80-byte {@code PyMem_RawCalloc} block, read at
     * the offsets of the C header (not through the views under test). Close it to release the buffer and free it.
     */
    static final class HeldBuffer implements AutoCloseable {
        final long address;
        private boolean held;

        private HeldBuffer(long address) {
            this.address = address;
        }

        /** {@code PyObject_GetBuffer(exporter, view, flags)}; a failure becomes a {@link PythonException}. */
        static HeldBuffer get(long exporter, int flags) {
            long view = calloc(80);
            if (PY.PyObject_GetBuffer(exporter, view, flags) != 0) {
                free(view);
                throw Live.INTERPRETER.error("PyObject_GetBuffer");
            }
            HeldBuffer b = new HeldBuffer(view);
            b.held = true;
            return b;
        }

        long buf() { return Live.MEM.getLong(address); }
        long obj() { return Live.MEM.getLong(address + 8); }
        long len() { return Live.MEM.getLong(address + 16); }
        long itemsize() { return Live.MEM.getLong(address + 24); }
        int readonly() { return Live.MEM.getInt(address + 32); }
        int ndim() { return Live.MEM.getInt(address + 36); }
        long format() { return Live.MEM.getLong(address + 40); }
        long shape() { return Live.MEM.getLong(address + 48); }
        long strides() { return Live.MEM.getLong(address + 56); }
        long suboffsets() { return Live.MEM.getLong(address + 64); }

        String formatText() {
            long f = format();
            return f == 0 ? null : dev.serpentine.ffi.binding.CStrings.read(Live.MEM, f);
        }

        /** {@code PyBuffer_Release} (once); the block stays allocated until {@link #close}. */
        void release() {
            if (held) {
                held = false;
                PY.PyBuffer_Release(address);
            }
        }

        @Override
        public void close() {
            release();
            free(address);
        }
    }

    /** Decrefs every object (NULL is ignored). */
    static void decref(long... objects) {
        for (long o : objects) PY.Py_DecRef(o);
    }

    /**
     * Reference counts of objects, taken before reading them through views; {@link #assertUnchanged} compares them
     * afterwards. The objects must stay alive in between.
     */
    static final class RefCounts {
        private final long[] objects;
        private final long[] before;

        private RefCounts(long[] objects) {
            this.objects = objects.clone();
            this.before = new long[objects.length];
            for (int i = 0; i < objects.length; i++) before[i] = Live.refcount(objects[i]);
        }

        static RefCounts of(long... objects) {
            return new RefCounts(objects);
        }

        static RefCounts of(List<Long> objects) {
            return new RefCounts(objects.stream().mapToLong(Long::longValue).toArray());
        }

        void assertUnchanged() {
            long[] after = new long[objects.length];
            for (int i = 0; i < objects.length; i++) after[i] = Live.refcount(objects[i]);
            assertArrayEquals(before, after, "reference counts changed by reading through the views");
        }
    }

    /** Objects made by a test, decref'd at the end (try-with-resources). */
    static final class Owned implements AutoCloseable {
        private final List<Long> objects = new ArrayList<>();

        /** Takes ownership of a new reference (which must not be NULL) and returns it. */
        long add(long o) {
            if (o == 0) throw Live.INTERPRETER.error("making a test object");
            objects.add(o);
            return o;
        }

        long eval(String expression) {
            return add(Live.eval(expression));
        }

        @Override
        public void close() {
            for (int i = objects.size() - 1; i >= 0; i--) PY.Py_DecRef(objects.get(i));
            objects.clear();
        }
    }
}
