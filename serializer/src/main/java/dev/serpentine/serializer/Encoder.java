package dev.serpentine.serializer;

import dev.serpentine.bridge.json.JsonBufferTooSmallException;
import dev.serpentine.bridge.spi.CodecPlatform;
import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.CPythonViews;
import dev.serpentine.ffi.view.PyDictView;
import dev.serpentine.ffi.view.PyLongView;
import dev.serpentine.ffi.view.PyObjectView;
import dev.serpentine.ffi.view.PyStrView;
import dev.serpentine.ffi.view.PyTypeView;
import dev.serpentine.ffi.view.PyTypes;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;

/**
 * One {@code dumps} in progress (GIL held): reads the object graph straight from CPython's memory through the
 * verified views and writes JSON into a staging array that is flushed, when large, into the result {@code bytes}
 * object grown in place ({@code _PyBytes_Resize}). Reused call after call (pooled by {@link SerializerService}).
 *
 * <p>Safety while Python code runs (a {@code default}, an enum's {@code value}, a helper): the children of every
 * container being written are copied into {@link #arena} before any of them is written, so no container is read
 * again after its walk. Before any Python call, every child not yet released is pinned (one reference each), so
 * Python code that mutates or drops a container cannot free an object still to be written; the pins are dropped
 * when their container is done, or on abort.
 */
final class Encoder implements PyDictView.EntryVisitor {

    static final int OPT_INDENT_2 = 1;
    static final int OPT_NAIVE_UTC = 1 << 1;
    static final int OPT_NON_STR_KEYS = 1 << 2;
    static final int OPT_OMIT_MICROSECONDS = 1 << 3;
    static final int OPT_SERIALIZE_NUMPY = 1 << 4;
    static final int OPT_SORT_KEYS = 1 << 5;
    static final int OPT_STRICT_INTEGER = 1 << 6;
    static final int OPT_PASSTHROUGH_SUBCLASS = 1 << 8;
    static final int OPT_PASSTHROUGH_DATETIME = 1 << 9;
    static final int OPT_APPEND_NEWLINE = 1 << 10;
    static final int OPT_PASSTHROUGH_DATACLASS = 1 << 11;
    static final int MAX_OPT = (1 << 12) - 1;

    /** Containers nested deeper than this fail (orjson 3.12). */
    static final int MAX_DEPTH = 254;
    /** Consecutive {@code default} calls allowed. */
    static final int MAX_DEFAULT_CALLS = 255;
    /** The staging array is flushed into the result once it holds this much (the result target only). */
    private static final int FLUSH_AT = 1 << 16;
    private static final long MAX_SAFE_INT = (1L << 53) - 1;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** The word-at-a-time reads take CPython's memory as little-endian words (every supported platform is). */
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    // numpy array elements, in the platform's order (arrays in the other order are refused).
    private static final VarHandle NATIVE_LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle NATIVE_INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle NATIVE_SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());
    /** Bytes of numpy array data copied per native read. */
    private static final int ELEMENT_CHUNK = 1 << 14;
    /** The longest ASCII text read a word at a time rather than by a bulk copy. */
    private static final int WORD_READ_MAX = 16;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    /** The escape of each byte below 0x20 and of '"' and '\\', or null (written as is). */
    private static final byte[] HEX_DIGITS = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    private static final byte[][] ESCAPES = escapes();
    private static final long SPACES = 0x2020202020202020L;

    private final SerializerService service;
    private final CPythonBinding py;
    private final NativeMemory mem;
    private final PyTypes builtin;
    // The dispatch's types, copied out of builtin: the first compare of every value saves a dependent load.
    private final long strType;
    private final long longType;
    private final long listType;
    private final long dictType;
    private final long floatType;
    private final long boolType;
    private final long tupleType;
    private final long trueObject;
    private final long none;

    // The views of this call (an ABI bundle may be swapped between calls).
    private PyObjectView object;
    private PyStrView str;
    private PyLongView integer;
    private PyDictView dict;
    private int digitBits;
    private long floatValue;
    private long listItems;
    private long tupleItems;
    private long bytesData;
    /** Where a numpy scalar holds its value: right after the object header, as a float's. */
    private long scalarValue;
    /** A native {@code PyObject *} slot for {@code _PyBytes_Resize}, allocated once per encoder. */
    private long resizeSlot;

    private int opts;
    private long defaultFn;
    private int defaultCalls;

    private byte[] buf = new byte[4096];
    private SoftReference<byte[]> keptBuf = new SoftReference<>(null);
    private int pos;
    /** Whether the output goes into a Python {@code bytes} (else it stays in {@link #buf}). */
    private boolean toPython;
    /** While > 0, {@link #buf} only grows (a key being staged for sorting must not be flushed). */
    private int noFlush;
    private long result;
    private long resultLength;
    private long resultCapacity;

    private long[] arena = new long[256];
    private SoftReference<long[]> keptArena = new SoftReference<>(null);
    private int top;
    private int pinnedTop;

    // Scratch copies of str data for transcoding.
    private char[] chars = new char[256];
    private int[] ints = new int[64];
    private byte[] latin = new byte[256];
    /** Elements of a numpy array, copied from its data a chunk at a time. */
    private byte[] elements;

    // Sorted dict keys: raw UTF-8 staged in keyBytes, [offset, length, arena index] per key in keyIndex.
    private byte[] keyBytes = new byte[1024];
    private int keyTop;
    private int[] keyIndex = new int[192];
    private int keyIndexTop;
    private int[] sortTmp = new int[64];

    Encoder(SerializerService service, CodecPlatform platform) {
        this.service = service;
        this.py = platform.binding();
        this.mem = py.memory();
        this.builtin = platform.types().builtin;
        this.strType = builtin.strType;
        this.longType = builtin.longType;
        this.listType = builtin.listType;
        this.dictType = builtin.dictType;
        this.floatType = builtin.floatType;
        this.boolType = builtin.boolType;
        this.tupleType = builtin.tupleType;
        this.trueObject = builtin.trueObject;
        this.none = builtin.none;
    }

    // --- entry points -----------------------------------------------------------------------------------------

    /** A new {@code bytes} of {@code obj}'s JSON, or throws {@link EncodeFailure} (nothing left allocated). */
    long toBytes(CPythonViews views, long obj, int options, long defaultCallable) {
        begin(views, options, defaultCallable, true);
        try {
            value(obj, 0);
            if ((opts & OPT_APPEND_NEWLINE) != 0) put((byte) '\n');
            return finishBytes();
        } catch (Throwable t) {
            abort();
            throw t;
        }
    }

    /** {@code obj}'s JSON as a Java array, or throws {@link EncodeFailure}. */
    byte[] toArray(CPythonViews views, long obj, int options) {
        stage(views, obj, options);
        try {
            byte[] out = Arrays.copyOf(buf, pos);
            end();
            return out;
        } catch (Throwable t) {
            abort();
            throw t;
        }
    }

    /** Writes {@code obj}'s JSON into {@code out} (position moves past it) and returns its length, or throws. */
    int toBuffer(CPythonViews views, long obj, int options, ByteBuffer out) {
        if (out.isReadOnly()) throw new ReadOnlyBufferException();
        stage(views, obj, options);
        try {
            int n = pos;
            if (n > out.remaining()) throw new JsonBufferTooSmallException(n, out.remaining());
            out.put(buf, 0, n);
            end();
            return n;
        } catch (Throwable t) {
            abort();
            throw t;
        }
    }

    /** The whole text in {@code buf[0, pos)}, for a Java caller (no default function); on failure nothing is held. */
    private void stage(CPythonViews views, long obj, int options) {
        begin(views, options, 0, false);
        try {
            value(obj, 0);
            if ((opts & OPT_APPEND_NEWLINE) != 0) put((byte) '\n');
        } catch (Throwable t) {
            abort();
            throw t;
        }
    }

    private void begin(CPythonViews views, int options, long defaultCallable, boolean python) {
        object = views.object();
        str = views.str();
        integer = views.integer();
        dict = views.dict();
        digitBits = integer.digitBits();
        AbiLayout layout = views.abi().layout();
        floatValue = layout.floatValue;
        listItems = layout.listItems;
        tupleItems = layout.tupleItems;
        bytesData = layout.bytesData;
        scalarValue = layout.floatValue;
        opts = options;
        defaultFn = defaultCallable;
        defaultCalls = 0;
        toPython = python;
        pos = 0;
        noFlush = 0;
        result = 0;
        resultLength = 0;
        resultCapacity = 0;
        top = 0;
        pinnedTop = 0;
        keyTop = 0;
        keyIndexTop = 0;
    }

    /**
     * A huge document's arrays are kept only softly, for the next call: the GC may take them back, but a fresh
     * multi-megabyte array per call (zeroed, humongous for G1) cost more than encoding a list of a million bools.
     */
    private void end() {
        if (buf.length > 1 << 20) {
            if (keptBuf.get() != buf) keptBuf = new SoftReference<>(buf);
            buf = new byte[4096];
        }
        if (arena.length > 1 << 16) {
            if (keptArena.get() != arena) keptArena = new SoftReference<>(arena);
            arena = new long[256];
        }
        defaultFn = 0;
    }

    /** Drops what a failed call holds: the partial result and every pin. */
    private void abort() {
        long r = result;
        result = 0;
        if (r != 0) py.Py_DecRef(r);
        for (int i = 0; i < pinnedTop; i++) py.Py_DecRef(arena[i]);
        pinnedTop = 0;
        top = 0;
        end();
    }

    private long finishBytes() {
        long r;
        if (result == 0) {
            r = py.PyBytes_FromStringAndSize(0, pos);
            if (r == 0) throw pythonError();
            mem.copyFromArray(buf, 0, r + bytesData, pos);
        } else {
            flush(0);
            r = result;
            result = 0;
            if (resultLength != resultCapacity) {
                r = resize(r, resultLength);
                if (r == 0) throw pythonError();
            }
        }
        end();
        return r;
    }

    // --- output -------------------------------------------------------------------------------------------------

    private void put(byte b) {
        if (pos == buf.length) grow(1);
        buf[pos++] = b;
    }

    private void ensure(int n) {
        if (buf.length - pos < n) grow(n);
    }

    private void grow(int n) {
        if (toPython && noFlush == 0 && pos >= FLUSH_AT) flush(n);
        if (buf.length - pos < n) {
            long size = Math.max(2L * buf.length, (long) pos + n);
            if (size > Integer.MAX_VALUE - 16) throw new EncodeFailure("document too large for one staging array", 0);
            byte[] kept = keptBuf.get();
            if (kept != null && kept.length >= (long) pos + n && kept != buf) {
                System.arraycopy(buf, 0, kept, 0, pos);
                buf = kept;
            } else {
                buf = Arrays.copyOf(buf, (int) size);
            }
        }
    }

    /** Appends the staged bytes to the result, growing it (doubling) with room for {@code more}. */
    private void flush(int more) {
        if (pos == 0) return;
        long needed = resultLength + pos;
        if (result == 0) {
            resultCapacity = Math.max(needed + more, 2L * FLUSH_AT);
            result = py.PyBytes_FromStringAndSize(0, resultCapacity);
            if (result == 0) throw pythonError();
        } else if (needed > resultCapacity) {
            long capacity = Math.max(needed + more, 2 * resultCapacity);
            long r = resize(result, capacity);
            if (r == 0) {
                result = 0; // _PyBytes_Resize freed it
                throw pythonError();
            }
            result = r;
            resultCapacity = capacity;
        }
        mem.copyFromArray(buf, 0, result + bytesData + resultLength, pos);
        resultLength = needed;
        pos = 0;
    }

    /** {@code _PyBytes_Resize}: the resized object, or 0 with an error set (the old one freed). */
    private long resize(long bytes, long size) {
        if (resizeSlot == 0) {
            resizeSlot = py.PyMem_RawMalloc(8);
            if (resizeSlot == 0) throw new OutOfMemoryError("PyMem_RawMalloc(8) failed");
        }
        mem.putLong(resizeSlot, bytes);
        return py._PyBytes_Resize(resizeSlot, size) == 0 ? mem.getLong(resizeSlot) : 0;
    }

    /** A newline and {@code depth} levels of two spaces, stored eight spaces at a time (the bytes past are scratch). */
    private void newline(int depth) {
        int n = 2 * depth;
        ensure(n + 1 + Long.BYTES);
        byte[] b = buf;
        int p = pos;
        b[p++] = '\n';
        for (int i = 0; i < n; i += Long.BYTES) LONGS.set(b, p + i, SPACES);
        pos = p + n;
    }

    /**
     * {@code null}, {@code true} or {@code false}: one 8-byte store of the word below (its bytes past the literal are
     * scratch), which costs a fraction of an array copy's call for four or five bytes.
     */
    private void literal(long word) {
        ensure(Long.BYTES);
        LONGS.set(buf, pos, word);
        pos += (int) (word >>> 56);
    }

    /** A literal's bytes in a little-endian word, its length in the top byte. */
    private static long literalWord(String text) {
        long w = (long) text.length() << 56;
        for (int i = 0; i < text.length(); i++) w |= (long) text.charAt(i) << (i << 3);
        return w;
    }

    private static final long NULL = literalWord("null");
    private static final long TRUE = literalWord("true");
    private static final long FALSE = literalWord("false");

    // --- dispatch -----------------------------------------------------------------------------------------------

    /** Writes {@code o} (borrowed, alive) at container depth {@code depth}. */
    private void value(long o, int depth) {
        long t = object.type(o);
        if (t == strType) {
            string(o);
        } else if (t == longType) {
            integer(o, (opts & OPT_STRICT_INTEGER) != 0);
        } else if (t == listType) {
            list(o, depth);
        } else if (t == dictType) {
            dict(o, depth, false);
        } else if (t == floatType) {
            floating(mem.getDouble(o + floatValue));
        } else if (t == boolType) {
            literal(o == trueObject ? TRUE : FALSE);
        } else if (o == none) {
            literal(NULL);
        } else if (t == tupleType) {
            items(o + tupleItems, object.size(o), depth);
        } else {
            rare(o, t, depth);
        }
    }

    /** Everything but the builtin exact types, in orjson's order (json-contract.md §2.2). */
    private void rare(long o, long t, int depth) {
        SerializerService.Rare r = service.rare();
        boolean passDatetime = (opts & OPT_PASSTHROUGH_DATETIME) != 0;
        if (t == r.datetime && !passDatetime) {
            helperText(r.datetimeText, o);
        } else if (t == r.uuid) {
            uuid(o);
        } else if (t == r.fragment) {
            fragment(o);
        } else if (t == r.date && !passDatetime) {
            helperText(r.dateText, o);
        } else if (t == r.time && !passDatetime) {
            helperText(r.timeText, o);
        } else if ((opts & OPT_PASSTHROUGH_SUBCLASS) == 0 && subclass(o, t, depth)) {
            return;
        } else if (object.type(t) == r.enumMeta) {
            long v = call(r.getValue, o);
            try {
                value(v, depth);
            } finally {
                py.Py_DecRef(v);
            }
        } else if ((opts & OPT_PASSTHROUGH_DATACLASS) == 0 && isDataclassType(t)) {
            long fields = call(r.dataclassFields, o);
            try {
                dict(fields, depth, true);
            } finally {
                py.Py_DecRef(fields);
            }
        } else if ((opts & OPT_SERIALIZE_NUMPY) == 0 || !numpy(o, t, depth)) {
            viaDefault(o, depth);
        }
    }

    /** The str/int/list/dict subclasses, read from their underlying storage; false for anything else. */
    private boolean subclass(long o, long t, int depth) {
        long flags = object.typeFlags(o);
        if ((flags & PyTypeView.Py_TPFLAGS_UNICODE_SUBCLASS) != 0) {
            string(o);
        } else if ((flags & PyTypeView.Py_TPFLAGS_LONG_SUBCLASS) != 0) {
            integer(o, (opts & OPT_STRICT_INTEGER) != 0);
        } else if ((flags & PyTypeView.Py_TPFLAGS_LIST_SUBCLASS) != 0) {
            list(o, depth);
        } else if ((flags & PyTypeView.Py_TPFLAGS_DICT_SUBCLASS) != 0) {
            dict(o, depth, false);
        } else {
            return false;
        }
        return true;
    }

    private boolean isDataclassType(long t) {
        Boolean known = service.knownDataclassType(t);
        if (known != null) return known;
        pinAll();
        return service.isDataclassType(t);
    }

    private void viaDefault(long o, int depth) {
        if (defaultFn == 0) throw notSerializable(o, 0);
        if (defaultCalls >= MAX_DEFAULT_CALLS) {
            throw new EncodeFailure("default serializer exceeds recursion limit", 0);
        }
        pinAll();
        long v = service.callOne(defaultFn, o);
        if (v == 0) throw notSerializable(o, service.platform().fetchError());
        defaultCalls++;
        try {
            value(v, depth);
        } finally {
            defaultCalls--;
            py.Py_DecRef(v);
        }
    }

    private EncodeFailure notSerializable(long o, long cause) {
        return new EncodeFailure("Type is not JSON serializable: " + object.typeName(o), cause);
    }

    /**
     * {@code helper(o, opts)} (a new reference) after pinning; a {@code Refusal} it raises becomes the contract
     * error, anything else is chained as the cause of "Type is not JSON serializable".
     */
    private long call(long helper, long o) {
        pinAll();
        long v = service.callHelper(helper, o, opts);
        if (v == 0) throw service.helperFailure(o, object.typeName(o));
        return v;
    }

    private void helperText(long helper, long o) {
        long text = call(helper, o);
        try {
            string(text);
        } finally {
            py.Py_DecRef(text);
        }
    }

    private void uuid(long o) {
        pinAll();
        long text = py.PyObject_Str(o);
        if (text == 0) throw notSerializable(o, service.platform().fetchError());
        try {
            string(text);
        } finally {
            py.Py_DecRef(text);
        }
    }

    private void fragment(long o) {
        long contents = call(service.rare().getContents, o);
        try {
            long t = object.type(contents);
            if (t == builtin.bytesType) {
                int n = checkedLength(object.size(contents));
                ensure(n);
                mem.copyToArray(contents + bytesData, buf, pos, n);
                pos += n;
            } else if (t == builtin.strType) {
                rawString(contents);
            } else {
                throw new EncodeFailure("serpentine.Fragment's content is not of type bytes or str", 0);
            }
        } finally {
            py.Py_DecRef(contents);
        }
    }


    // --- numpy (OPT_SERIALIZE_NUMPY) ----------------------------------------------------------------------------

    // PyArrayInterface (numpy's __array_struct__ capsule): offsets on LP64, and the flags dumps needs.
    private static final int AI_TWO = 0;
    private static final int AI_ND = 4;
    private static final int AI_TYPEKIND = 8;
    private static final int AI_ITEMSIZE = 12;
    private static final int AI_FLAGS = 16;
    private static final int AI_SHAPE = 24;
    private static final int AI_DATA = 40;
    private static final int NPY_ARRAY_C_CONTIGUOUS = 0x1;
    private static final int NPY_ARRAY_NOTSWAPPED = 0x200;
    /** numpy's own limit is 64 dimensions (32 before numpy 2). */
    private static final int NPY_MAXDIMS = 64;

    /** Writes {@code o} if its type is exactly one of numpy's that dumps writes; false (nothing done) if not. */
    private boolean numpy(long o, long t, int depth) {
        NumpyTypes np = service.numpyTypes();
        if (np == null) {
            // numpy is looked up only once an object of a type named numpy.… shows up (then numpy is imported).
            if (!object.typeName(o).startsWith("numpy.")) return false;
            np = service.loadNumpyTypes(call(service.rare().numpyTypes, o));
            if (np == null) return false;
        }
        if (t == np.ndarray) {
            ndarray(o, depth);
            return true;
        }
        int kind = np.scalarKind(t);
        if (kind < 0) return false;
        long at = o + scalarValue;
        long raw = switch (NumpyTypes.size(kind)) {
            case 8 -> mem.getLong(at);
            case 4 -> mem.getInt(at);
            case 2 -> mem.getShort(at);
            default -> mem.getByte(at);
        };
        int unit = kind == NumpyTypes.DATETIME64 ? mem.getInt(at + 8) & 0xff | mem.getInt(at + 12) << 8 : 0;
        element(kind, raw, unit);
        return true;
    }

    /**
     * A numpy array through its array interface: nested arrays of its elements read straight from its data. An
     * array dumps cannot write (not C-contiguous, 0-d, an unsupported dtype) goes to {@code default} if there is one.
     */
    private void ndarray(long o, int depth) {
        long capsule = py.PyObject_GetAttr(o, service.rare().arrayStruct);
        long iface = capsule == 0 ? 0 : py.PyCapsule_GetPointer(capsule, 0);
        if (iface == 0) {
            py.PyErr_Clear();
            if (capsule != 0) py.Py_DecRef(capsule);
            throw new EncodeFailure("numpy array is malformed", 0);
        }
        try { // the capsule holds a reference to the array, and the interface lives as long as the capsule
            if (mem.getInt(iface + AI_TWO) != 2) throw new EncodeFailure("numpy array is malformed", 0);
            int flags = mem.getInt(iface + AI_FLAGS);
            if ((flags & NPY_ARRAY_C_CONTIGUOUS) == 0) {
                unwritableArray(o, depth, "numpy array is not C contiguous; use ndarray.tolist() in default");
                return;
            }
            if ((flags & NPY_ARRAY_NOTSWAPPED) == 0) throw new EncodeFailure("numpy array is not native-endianness", 0);
            int nd = mem.getInt(iface + AI_ND);
            int kind = NumpyTypes.arrayKind(mem.getByte(iface + AI_TYPEKIND), mem.getInt(iface + AI_ITEMSIZE));
            if (nd == 0 || kind < 0) {
                unwritableArray(o, depth, "unsupported datatype in numpy array");
                return;
            }
            long shapes = mem.getLong(iface + AI_SHAPE);
            if (nd < 0 || nd > NPY_MAXDIMS || shapes == 0) throw new EncodeFailure("numpy array is malformed", 0);
            long[] shape = new long[nd];
            mem.copyToArray(shapes, shape, 0, nd);
            long count = 1; // elements, so that count · itemsize cannot overflow
            for (long n : shape) {
                if (n < 0 || n != 0 && count > Long.MAX_VALUE / 8 / n) throw new EncodeFailure("numpy array is malformed", 0);
                count *= n;
            }
            // The unit of datetime64 elements (a Python call: the capsule keeps the array and its data alive).
            int unit = kind == NumpyTypes.DATETIME64 ? datetimeUnit(o) : 0;
            long data = mem.getLong(iface + AI_DATA);
            if (data == 0 && count != 0) throw new EncodeFailure("numpy array is malformed", 0);
            dimension(shape, 0, data, kind, unit, depth);
        } finally {
            py.Py_DecRef(capsule);
        }
    }

    private void unwritableArray(long o, int depth, String message) {
        if (defaultFn == 0) throw new EncodeFailure(message, 0);
        viaDefault(o, depth);
    }

    private int datetimeUnit(long array) {
        long u = call(service.rare().numpyDatetimeUnit, array);
        long unit = py.PyLong_AsLongLong(u); // code | multiple << 8
        py.Py_DecRef(u);
        if (unit < 0 || unit > Integer.MAX_VALUE) {
            py.PyErr_Clear();
            throw new EncodeFailure("numpy array is malformed", 0);
        }
        return (int) unit;
    }

    /** Writes dimension {@code dim} (of C-contiguous data at {@code data}) and returns the address after it. */
    private long dimension(long[] shape, int dim, long data, int kind, int unit, int depth) {
        int d = depth + 1;
        if (d > MAX_DEPTH) throw new EncodeFailure("Recursion limit reached", 0);
        long n = shape[dim];
        if (n == 0) {
            ensure(2);
            buf[pos++] = '[';
            buf[pos++] = ']';
            return data;
        }
        boolean indent = (opts & OPT_INDENT_2) != 0;
        put((byte) '[');
        if (dim == shape.length - 1) {
            elements(data, n, kind, unit, d);
            data += n * NumpyTypes.size(kind);
        } else {
            for (long i = 0; i < n; i++) {
                if (i != 0) put((byte) ',');
                if (indent) newline(d);
                data = dimension(shape, dim + 1, data, kind, unit, d);
            }
        }
        if (indent) newline(depth);
        put((byte) ']');
        return data;
    }

    /** {@code n} elements at {@code data}, copied a chunk at a time, at depth {@code d}. */
    private void elements(long data, long n, int kind, int unit, int d) {
        if (elements == null) elements = new byte[ELEMENT_CHUNK];
        byte[] e = elements;
        int size = NumpyTypes.size(kind);
        boolean indent = (opts & OPT_INDENT_2) != 0;
        for (long done = 0; done < n; ) {
            int m = (int) Math.min(n - done, ELEMENT_CHUNK / size);
            mem.copyToArray(data + done * size, e, 0, m * size);
            if (!indent && kind >= NumpyTypes.I64 && kind <= NumpyTypes.BOOL) {
                compactIntegers(e, m, kind, done == 0);
                done += m;
                continue;
            }
            for (int i = 0, at = 0; i < m; i++, at += size) {
                if (done + i != 0) put((byte) ',');
                if (indent) newline(d);
                long raw = switch (size) {
                    case 8 -> (long) NATIVE_LONGS.get(e, at);
                    case 4 -> (int) NATIVE_INTS.get(e, at);
                    case 2 -> (short) NATIVE_SHORTS.get(e, at);
                    default -> e[at];
                };
                element(kind, raw, unit);
            }
            done += m;
        }
    }

    /** A chunk of int, uint or bool elements, compact: room made once, no check per element (the common case). */
    private void compactIntegers(byte[] e, int m, int kind, boolean first) {
        ensure(22 * m);
        byte[] b = buf;
        int size = NumpyTypes.size(kind);
        if (!first) b[pos++] = ',';
        if (kind == NumpyTypes.BOOL) {
            int p = pos;
            for (int i = 0; i < m; i++) {
                if (i != 0) b[p++] = ',';
                if (e[i] != 0) {
                    b[p] = 't';
                    b[p + 1] = 'r';
                    b[p + 2] = 'u';
                    b[p + 3] = 'e';
                    p += 4;
                } else {
                    b[p] = 'f';
                    b[p + 1] = 'a';
                    b[p + 2] = 'l';
                    b[p + 3] = 's';
                    b[p + 4] = 'e';
                    p += 5;
                }
            }
            pos = p;
            return;
        }
        boolean unsigned = kind >= NumpyTypes.U64;
        for (int i = 0, at = 0; i < m; i++, at += size) {
            if (i != 0) b[pos++] = ',';
            long raw = switch (size) {
                case 8 -> (long) NATIVE_LONGS.get(e, at);
                case 4 -> unsigned ? (int) NATIVE_INTS.get(e, at) & 0xffff_ffffL : (int) NATIVE_INTS.get(e, at);
                case 2 -> unsigned ? (short) NATIVE_SHORTS.get(e, at) & 0xffff : (short) NATIVE_SHORTS.get(e, at);
                default -> unsigned ? e[at] & 0xff : e[at];
            };
            if (unsigned || raw >= 0) decimal(raw, false);
            else decimal(-raw, true);
        }
    }

    /** One numpy value of {@code kind}: {@code raw} holds its bits, sign-extended from its size. */
    private void element(int kind, long raw, int unit) {
        ensure(Datetime64.MAX_LENGTH);
        switch (kind) {
            case NumpyTypes.F64 -> floating(Double.longBitsToDouble(raw));
            case NumpyTypes.F32 -> float32(Float.intBitsToFloat((int) raw));
            case NumpyTypes.F16 -> float32(NumpyTypes.halfToFloat((int) raw & 0xffff));
            case NumpyTypes.I64, NumpyTypes.I32, NumpyTypes.I16, NumpyTypes.I8 -> decimal(raw < 0 ? -raw : raw, raw < 0);
            case NumpyTypes.U64 -> decimal(raw, false);
            case NumpyTypes.U32 -> decimal(raw & 0xffff_ffffL, false);
            case NumpyTypes.U16 -> decimal(raw & 0xffff, false);
            case NumpyTypes.U8 -> decimal(raw & 0xff, false);
            case NumpyTypes.BOOL -> literal(raw != 0 ? TRUE : FALSE);
            default -> pos = Datetime64.write(raw, unit, opts, buf, pos);
        }
    }

    private void float32(float v) {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            literal(NULL);
            return;
        }
        pos = FloatFormat.writeFloat(v, buf, pos);
    }

    // --- pins ---------------------------------------------------------------------------------------------------

    /** Takes a reference to every arena slot not yet pinned: Python code is about to run. */
    private void pinAll() {
        for (int i = pinnedTop; i < top; i++) py.Py_IncRef(arena[i]);
        pinnedTop = top;
    }

    /** Releases the slots from {@code start} on (their container is done), dropping their pins. */
    private void release(int start) {
        top = start;
        if (pinnedTop > start) {
            int end = pinnedTop;
            pinnedTop = start;
            for (int i = start; i < end; i++) py.Py_DecRef(arena[i]);
        }
    }

    private void reserve(long n) {
        if (arena.length - top < n) {
            long size = Math.max(2L * arena.length, top + n);
            if (size > Integer.MAX_VALUE - 16) throw new EncodeFailure("container too large", 0);
            long[] kept = keptArena.get();
            if (kept != null && kept.length >= top + n && kept != arena) {
                System.arraycopy(arena, 0, kept, 0, top);
                arena = kept;
            } else {
                arena = Arrays.copyOf(arena, (int) size);
            }
        }
    }

    @Override
    public boolean entry(long key, long value) {
        if (arena.length - top < 2) reserve(2);
        arena[top++] = key;
        arena[top++] = value;
        return true;
    }

    // --- containers ---------------------------------------------------------------------------------------------

    private void list(long o, int depth) {
        items(mem.getLong(o + listItems), object.size(o), depth);
    }

    /** A list's or tuple's items: {@code n} pointers at {@code items}. */
    private void items(long items, long n, int depth) {
        int d = depth + 1;
        if (d > MAX_DEPTH) throw new EncodeFailure("Recursion limit reached", 0);
        if (n == 0) {
            ensure(2);
            buf[pos++] = '[';
            buf[pos++] = ']';
            return;
        }
        int start = top;
        reserve(n);
        mem.copyToArray(items, arena, start, (int) n);
        top = start + (int) n;
        int end = top;
        boolean indent = (opts & OPT_INDENT_2) != 0;
        put((byte) '[');
        for (int i = start; i < end; i++) {
            if (i != start) put((byte) ',');
            if (indent) newline(d);
            value(arena[i], d);
        }
        if (indent) newline(depth);
        put((byte) ']');
        release(start);
    }

    /** A dict (or subclass, or a dataclass's fields: never sorted, keys str). */
    private void dict(long o, int depth, boolean fields) {
        int d = depth + 1;
        if (d > MAX_DEPTH) throw new EncodeFailure("Recursion limit reached", 0);
        long n = dict.size(o);
        if (n == 0) {
            ensure(2);
            buf[pos++] = '{';
            buf[pos++] = '}';
            return;
        }
        int start = top;
        reserve(2 * n);
        dict.forEach(o, this);
        int end = top;
        if (!fields && (opts & (OPT_SORT_KEYS | OPT_NON_STR_KEYS)) != 0) {
            if ((opts & OPT_SORT_KEYS) != 0) {
                sortedDict(start, end, d);
            } else {
                nonStrKeyDict(start, end, d);
            }
            release(start);
            return;
        }
        boolean indent = (opts & OPT_INDENT_2) != 0;
        put((byte) '{');
        for (int i = start; i < end; i += 2) {
            if (i != start) put((byte) ',');
            if (indent) newline(d);
            long key = arena[i];
            if (object.type(key) != strType) throw new EncodeFailure("Dict key must be str", 0);
            string(key);
            colon(indent);
            value(arena[i + 1], d);
        }
        if (indent) newline(depth);
        put((byte) '}');
        release(start);
    }

    private void colon(boolean indent) {
        if (indent) {
            ensure(2);
            buf[pos++] = ':';
            buf[pos++] = ' ';
        } else {
            put((byte) ':');
        }
    }

    /** OPT_NON_STR_KEYS without sorting: each key written as the string it would serialize to. */
    private void nonStrKeyDict(int start, int end, int d) {
        boolean indent = (opts & OPT_INDENT_2) != 0;
        put((byte) '{');
        for (int i = start; i < end; i += 2) {
            if (i != start) put((byte) ',');
            if (indent) newline(d);
            long key = arena[i];
            if (object.type(key) == builtin.strType) {
                string(key);
            } else {
                put((byte) '"');
                int from = pos;
                noFlush++;
                try {
                    keyText(key);
                } finally {
                    noFlush--;
                }
                escapeFrom(from);
                put((byte) '"');
            }
            colon(indent);
            value(arena[i + 1], d);
        }
        if (indent) newline(d - 1);
        put((byte) '}');
    }

    /** OPT_SORT_KEYS: the keys' raw UTF-8 staged, sorted by bytes (= code-point order), then written escaped. */
    private void sortedDict(int start, int end, int d) {
        int count = (end - start) / 2;
        int keyBase = keyTop;
        int indexBase = keyIndexTop;
        if (keyIndex.length < indexBase + 3 * count) keyIndex = Arrays.copyOf(keyIndex, 2 * (indexBase + 3 * count));
        boolean nonStr = (opts & OPT_NON_STR_KEYS) != 0;
        for (int i = start, k = indexBase; i < end; i += 2, k += 3) {
            long key = arena[i];
            int from = pos;
            noFlush++;
            try {
                if (object.type(key) == builtin.strType) {
                    rawString(key);
                } else if (!nonStr) {
                    throw new EncodeFailure("Dict key must be str", 0);
                } else {
                    keyText(key);
                }
            } finally {
                noFlush--;
            }
            int len = pos - from;
            if (keyBytes.length - keyTop < len) keyBytes = Arrays.copyOf(keyBytes, Math.max(2 * keyBytes.length, keyTop + len));
            System.arraycopy(buf, from, keyBytes, keyTop, len);
            pos = from;
            keyIndex[k] = keyTop;
            keyIndex[k + 1] = len;
            keyIndex[k + 2] = i;
            keyTop += len;
        }
        keyIndexTop = indexBase + 3 * count;
        sortKeys(indexBase, count);
        boolean indent = (opts & OPT_INDENT_2) != 0;
        put((byte) '{');
        try {
            for (int j = 0; j < count; j++) {
                int k = indexBase + 3 * j;
                if (j != 0) put((byte) ',');
                if (indent) newline(d);
                int len = keyIndex[k + 1];
                ensure(len + 2);
                buf[pos++] = '"';
                int from = pos;
                System.arraycopy(keyBytes, keyIndex[k], buf, pos, len);
                pos += len;
                escapeFrom(from);
                put((byte) '"');
                colon(indent);
                value(arena[keyIndex[k + 2] + 1], d);
            }
        } finally {
            keyTop = keyBase;
            keyIndexTop = indexBase;
        }
        if (indent) newline(d - 1);
        put((byte) '}');
    }

    /** Sorts the {@code count} triples at {@code keyIndex[base…]} by their key bytes (insertion/merge sort). */
    private void sortKeys(int base, int count) {
        if (sortTmp.length < 3 * count) sortTmp = new int[3 * count];
        mergeSort(base, 0, count);
    }

    private void mergeSort(int base, int lo, int hi) {
        if (hi - lo <= 12) {
            for (int i = lo + 1; i < hi; i++) {
                for (int j = i; j > lo && compareKeys(base + 3 * (j - 1), base + 3 * j) > 0; j--) swapTriples(base + 3 * (j - 1), base + 3 * j);
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        mergeSort(base, lo, mid);
        mergeSort(base, mid, hi);
        int a = lo, b = mid, o = 0;
        while (a < mid || b < hi) {
            int from;
            if (b >= hi || a < mid && compareKeys(base + 3 * a, base + 3 * b) <= 0) from = base + 3 * a++;
            else from = base + 3 * b++;
            sortTmp[o++] = keyIndex[from];
            sortTmp[o++] = keyIndex[from + 1];
            sortTmp[o++] = keyIndex[from + 2];
        }
        System.arraycopy(sortTmp, 0, keyIndex, base + 3 * lo, o);
    }

    private void swapTriples(int x, int y) {
        for (int i = 0; i < 3; i++) {
            int t = keyIndex[x + i];
            keyIndex[x + i] = keyIndex[y + i];
            keyIndex[y + i] = t;
        }
    }

    private int compareKeys(int x, int y) {
        return Arrays.compareUnsigned(keyBytes, keyIndex[x], keyIndex[x] + keyIndex[x + 1],
                keyBytes, keyIndex[y], keyIndex[y] + keyIndex[y + 1]);
    }

    /** A non-str key's text (OPT_NON_STR_KEYS), raw and unquoted, at {@link #pos}. */
    private void keyText(long key) {
        long t = object.type(key);
        SerializerService.Rare r = service.rare();
        long flags = object.typeFlags(key);
        if ((flags & PyTypeView.Py_TPFLAGS_UNICODE_SUBCLASS) != 0) {
            rawString(key);
        } else if (t == builtin.boolType) {
            literal(key == builtin.trueObject ? TRUE : FALSE);
        } else if ((flags & PyTypeView.Py_TPFLAGS_LONG_SUBCLASS) != 0) {
            long header = integer.header(key);
            if (!int64(key, header, false)) throw new EncodeFailure("Dict integer key must be within 64-bit range", 0);
        } else if (t == builtin.floatType) {
            floating(mem.getDouble(key + floatValue));
        } else if (key == builtin.none) {
            literal(NULL);
        } else if (t == r.datetime || t == r.date || t == r.time) {
            long text = call(t == r.datetime ? r.datetimeText : t == r.date ? r.dateText : r.timeText, key);
            try {
                rawString(text);
            } finally {
                py.Py_DecRef(text);
            }
        } else if (t == r.uuid) {
            pinAll();
            long text = py.PyObject_Str(key);
            if (text == 0) throw notSerializable(key, service.platform().fetchError());
            try {
                rawString(text);
            } finally {
                py.Py_DecRef(text);
            }
        } else if (object.type(t) == r.enumMeta) {
            long v = call(r.getValue, key);
            try {
                keyText(v);
            } finally {
                py.Py_DecRef(v);
            }
        } else {
            throw new EncodeFailure("Dict key must a type serializable with OPT_NON_STR_KEYS", 0);
        }
    }

    // --- scalars ------------------------------------------------------------------------------------------------

    private void floating(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            literal(NULL);
            return;
        }
        ensure(FloatFormat.MAX_LENGTH);
        pos = FloatFormat.write(v, buf, pos);
    }

    private void integer(long o, boolean strict) {
        long header = integer.header(o);
        if (!int64(o, header, strict)) {
            throw new EncodeFailure(strict && fitsU64(o, header) ? "Integer exceeds 53-bit range"
                    : "Integer exceeds 64-bit range", 0);
        }
    }

    /** Writes an int in [-2^63, 2^64-1] (±(2^53-1) when strict); false, writing nothing, for one outside. */
    private boolean int64(long o, long header, boolean strict) {
        long n = integer.digitCountOf(header);
        ensure(21);
        if (n == 0) {
            buf[pos++] = '0';
            return true;
        }
        boolean negative = integer.signumOf(header) < 0;
        long mag;
        if (n * digitBits <= 63) {
            mag = 0;
            for (long i = n - 1; i >= 0; i--) mag = mag << digitBits | integer.digit(o, i);
        } else {
            if (n > (64 + digitBits - 1) / digitBits) return false;
            mag = 0;
            for (long i = n - 1; i >= 0; i--) {
                if (mag >>> (64 - digitBits) != 0) return false;
                mag = mag << digitBits | integer.digit(o, i);
            }
            if (negative && Long.compareUnsigned(mag, Long.MIN_VALUE) > 0) return false;
        }
        if (strict && Long.compareUnsigned(mag, MAX_SAFE_INT) > 0) return false;
        decimal(mag, negative);
        return true;
    }

    /** Writes the unsigned magnitude {@code mag}, after a '-' if {@code negative}; 21 bytes must be free. */
    private void decimal(long mag, boolean negative) {
        if (negative) buf[pos++] = '-';
        if (mag >= 0) {
            int len = FloatFormat.digitCount(mag);
            FloatFormat.writeDigits(mag, len, buf, pos);
            pos += len;
        } else { // above 2^63: one digit peeled off in unsigned arithmetic
            long q = Long.divideUnsigned(mag, 10);
            int len = FloatFormat.digitCount(q);
            FloatFormat.writeDigits(q, len, buf, pos);
            pos += len;
            buf[pos++] = (byte) ('0' + (mag - q * 10));
        }
    }

    private boolean fitsU64(long o, long header) {
        long n = integer.digitCountOf(header);
        if (n * digitBits <= 63) return true;
        if (n > (64 + digitBits - 1) / digitBits) return false;
        long mag = 0;
        for (long i = n - 1; i >= 0; i--) {
            if (mag >>> (64 - digitBits) != 0) return false;
            mag = mag << digitBits | integer.digit(o, i);
        }
        return integer.signumOf(header) > 0 || Long.compareUnsigned(mag, Long.MIN_VALUE) <= 0;
    }

    // --- strings ------------------------------------------------------------------------------------------------

    /** A str (or subclass) as a quoted, escaped JSON string. */
    private void string(long o) {
        text(o, true);
    }

    /** A str's UTF-8 as is (a key being staged, a Fragment). */
    private void rawString(long o) {
        text(o, false);
    }

    /** A str's text: {@code quoted}, as a JSON string (in quotes, escaped); otherwise its UTF-8 as is. */
    private void text(long o, boolean quoted) {
        int state = str.state(o);
        long data = str.data(o, state);
        if (data == 0) { // a 3.9–3.11 string made through the Py_UNICODE API: make it ready (no UTF-8 is cached)
            if (py.PyUnicode_GetLength(o) < 0) throw pythonError();
            state = str.state(o);
            data = str.data(o, state);
            if (data == 0) throw new EncodeFailure("str is not ready", 0);
        }
        int n = checkedLength(str.length(o));
        if (str.isAsciiState(state)) {
            ascii(data, n, quoted);
            return;
        }
        if (quoted) put((byte) '"');
        switch (str.kindOf(state)) {
            case PyStrView.KIND_1BYTE -> latin1(data, n, quoted);
            case PyStrView.KIND_2BYTE -> ucs2(data, n, quoted);
            default -> ucs4(data, n, quoted);
        }
        if (quoted) put((byte) '"');
    }

    private static int checkedLength(long n) {
        if (n > (Integer.MAX_VALUE - 64) / 6) throw new EncodeFailure("str too long for one staging array", 0);
        return (int) n;
    }

    /**
     * ASCII. Up to {@value #WORD_READ_MAX} characters at an 8-aligned address (most strs) are read a word at a time,
     * each word checked for what needs escaping as it is stored; an aligned word never crosses a page, so the bytes
     * after the text (its NUL, the allocation's padding) are readable, and staging bytes past {@code n} are scratch.
     * (FFM's bulk copy costs 10–38 ns for a short string.) Longer or unaligned text is copied in bulk, then scanned.
     */
    private void ascii(long data, int n, boolean quoted) {
        ensure(n + Long.BYTES + 2);
        byte[] b = buf;
        int from = pos;
        if (quoted) b[from++] = '"';
        if (n > WORD_READ_MAX || (data & (Long.BYTES - 1)) != 0 || !LITTLE_ENDIAN) {
            mem.copyToArray(data, b, from, n);
            pos = from + n;
            if (quoted) {
                escapeFrom(from);
                put((byte) '"');
            }
            return;
        }
        long marks = 0;
        int i = 0;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            long x = mem.getLong(data + i);
            LONGS.set(b, from + i, x);
            marks |= escapeMarks(x);
        }
        if (i < n) {
            long x = mem.getLong(data + i);
            LONGS.set(b, from + i, x);
            marks |= escapeMarks(x) & -1L >>> (Long.SIZE - ((n - i) << 3)); // not the NUL and padding after the text
        }
        if (!quoted) {
            pos = from + n;
        } else if (marks == 0) {
            b[from + n] = '"';
            pos = from + n + 1;
        } else {
            pos = from + n;
            escapeFrom(from);
            put((byte) '"');
        }
    }

    /** Marks (high bits) the bytes of ASCII word {@code x} that need escaping: controls, '"', '\\'. */
    private static long escapeMarks(long x) {
        long ctrl = (x - 0x2020202020202020L) & ~x;
        long q = x ^ 0x2222222222222222L;
        long bs = x ^ 0x5C5C5C5C5C5C5C5CL;
        return (ctrl | (q - ONES) & ~q | (bs - ONES) & ~bs) & HIGHS;
    }

    /** Escapes, in place, what needs it in {@code buf[from…pos)} (UTF-8 text). */
    private void escapeFrom(int from) {
        int first = firstEscape(buf, from, pos);
        if (first >= 0) escapeTail(first);
    }

    /** The index of the first byte in [from, to) that needs escaping, or -1. Bytes ≥ 0x80 never do. */
    private static int firstEscape(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            if (escapeMarks((long) LONGS.get(b, i)) != 0) {
                // Exact for ASCII; bytes >= 0x80 (UTF-8 text) can only add false marks, so confirm bytewise.
                for (int j = i; j < i + 8; j++) if (needsEscape(b[j])) return j;
            }
        }
        for (; i < to; i++) if (needsEscape(b[i])) return i;
        return -1;
    }

    private static boolean needsEscape(byte c) {
        return c >= 0 && c < 0x20 || c == '"' || c == '\\';
    }

    /** Rewrites buf[first…pos) with its escapes. */
    private void escapeTail(int first) {
        int n = pos - first;
        if (latin.length < n) latin = new byte[Math.max(n, 2 * latin.length)];
        byte[] src = latin;
        System.arraycopy(buf, first, src, 0, n);
        pos = first;
        ensure(6 * n);
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < n; i++) {
            byte c = src[i];
            byte[] e = c >= 0 && c <= '\\' ? ESCAPES[c] : null;
            if (e == null) {
                b[p++] = c;
            } else {
                System.arraycopy(e, 0, b, p, e.length);
                p += e.length;
            }
        }
        pos = p;
    }

    /** Latin-1: runs of eight ASCII bytes that need no escape are stored as one word; the rest byte by byte. */
    private void latin1(long data, int n, boolean escape) {
        if (latin.length < n) latin = new byte[Math.max(n, 2 * latin.length)];
        byte[] src = latin;
        mem.copyToArray(data, src, 0, n);
        ensure(6 * n);
        byte[] b = buf;
        int p = pos;
        int i = 0;
        while (i < n) {
            if (i + Long.BYTES <= n) {
                long x = (long) LONGS.get(src, i);
                if ((x & HIGHS) == 0 && (!escape || escapeMarks(x) == 0)) {
                    LONGS.set(b, p, x);
                    i += Long.BYTES;
                    p += Long.BYTES;
                    continue;
                }
            }
            p = codePoint(b, p, src[i++] & 0xFF, escape);
        }
        pos = p;
    }

    private void ucs2(long data, int n, boolean escape) {
        if (chars.length < n) chars = new char[Math.max(n, 2 * chars.length)];
        char[] src = chars;
        mem.copyToArray(data, src, 0, n);
        ensure(6 * n);
        int p = pos;
        for (int i = 0; i < n; i++) p = codePoint(buf, p, src[i], escape);
        pos = p;
    }

    private void ucs4(long data, int n, boolean escape) {
        if (ints.length < n) ints = new int[Math.max(n, 2 * ints.length)];
        int[] src = ints;
        mem.copyToArray(data, src, 0, n);
        ensure(6 * n);
        int p = pos;
        for (int i = 0; i < n; i++) p = codePoint(buf, p, src[i], escape);
        pos = p;
    }

    /** Writes one code point of UCS-1/2/4 data as UTF-8 (escaped below 0x80 if asked) at {@code p}; a surrogate fails. */
    private int codePoint(byte[] b, int p, int c, boolean escape) {
        if (c < 0x80) {
            byte[] e = escape && c <= '\\' ? ESCAPES[c] : null;
            if (e == null) {
                b[p++] = (byte) c;
            } else {
                System.arraycopy(e, 0, b, p, e.length);
                p += e.length;
            }
        } else if (c < 0x800) {
            b[p++] = (byte) (0xC0 | c >>> 6);
            b[p++] = (byte) (0x80 | c & 0x3F);
        } else if (c < 0x10000) {
            if (c >= 0xD800 && c <= 0xDFFF) {
                pos = p;
                throw surrogates();
            }
            b[p++] = (byte) (0xE0 | c >>> 12);
            b[p++] = (byte) (0x80 | c >>> 6 & 0x3F);
            b[p++] = (byte) (0x80 | c & 0x3F);
        } else {
            b[p++] = (byte) (0xF0 | c >>> 18);
            b[p++] = (byte) (0x80 | c >>> 12 & 0x3F);
            b[p++] = (byte) (0x80 | c >>> 6 & 0x3F);
            b[p++] = (byte) (0x80 | c & 0x3F);
        }
        return p;
    }

    private static EncodeFailure surrogates() {
        return new EncodeFailure("str is not valid UTF-8: surrogates not allowed", 0);
    }

    /** The pending Python error (e.g. MemoryError) as a failure that re-raises it. */
    private EncodeFailure pythonError() {
        return new EncodeFailure(null, service.platform().fetchError());
    }

    private static byte[][] escapes() {
        byte[][] e = new byte[0x5D][];
        for (int c = 0; c < 0x20; c++) {
            e[c] = new byte[]{'\\', 'u', '0', '0', HEX_DIGITS[c >> 4], HEX_DIGITS[c & 15]};
        }
        e['\b'] = new byte[]{'\\', 'b'};
        e['\t'] = new byte[]{'\\', 't'};
        e['\n'] = new byte[]{'\\', 'n'};
        e['\f'] = new byte[]{'\\', 'f'};
        e['\r'] = new byte[]{'\\', 'r'};
        e['"'] = new byte[]{'\\', '"'};
        e['\\'] = new byte[]{'\\', '\\'};
        return e;
    }
}
