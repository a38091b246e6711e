package dev.serpentine.deserializer;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.json.JsonDecodeException;
import dev.serpentine.bridge.json.JsonDecoder;
import dev.serpentine.bridge.spi.CodecPlatform;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.PyBufferView;
import dev.serpentine.ffi.view.PyStrView;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The JSON decoder: {@code serpentine.loads} and {@code Json.loads}. In OSGi a DS component (with the
 * {@code PythonRuntime} it needs); in plain Java found by {@code ServiceLoader}, taking the runtime attached to the
 * interpreter when first called. Either way it can be installed explicitly with {@code CodecPlatform.installDecoder}.
 *
 * <p>Every input becomes one UTF-8 {@code byte[]} (a Java caller's array is used as it is; Python's bytes, bytearray,
 * contiguous memoryview and str are read in place from their objects with one bulk copy each, which with JNA is one
 * JNI call instead of one per byte); the parser then works on the Java heap and creates Python objects directly.
 */
@Component(service = JsonDecoder.class)
public final class Deserializer implements JsonDecoder {

    @Reference
    private volatile PythonRuntime runtime;

    private volatile Decoding decoding;

    private final ThreadLocal<Parser> parsers = new ThreadLocal<>();

    /** For ServiceLoader and DS. */
    public Deserializer() {
    }

    /** Over a given platform (tests, explicit installation). */
    Deserializer(CodecPlatform platform) {
        this.decoding = new Decoding(platform);
    }

    private Decoding decoding() {
        Decoding d = decoding;
        if (d != null) return d;
        synchronized (this) {
            if (decoding == null) {
                PythonRuntime r = runtime;
                decoding = new Decoding(r != null ? CodecPlatform.of(r) : CodecPlatform.active());
            }
            return decoding;
        }
    }

    /** This thread's parser, or a fresh one when it is busy (a nested call from a {@code __del__}). */
    private Parser acquire(Decoding d) {
        Parser p = parsers.get();
        if (p == null || p.busy) {
            Parser fresh = new Parser(d);
            if (p == null) parsers.set(fresh);
            p = fresh;
        }
        p.busy = true;
        return p;
    }

    private static void release(Parser p) {
        p.trim();
        p.busy = false;
    }

    // --- Python -----------------------------------------------------------------------------------------------------

    @Override
    public long loads(long obj) {
        Decoding d = decoding();
        Parser parser = acquire(d);
        try {
            return loads(d, parser, obj);
        } finally {
            release(parser);
        }
    }

    private long loads(Decoding d, Parser parser, long obj) {
        NativeMemory mem = d.mem;
        long type = d.views.object().type(obj);
        byte[] in;
        int len;
        boolean text = false;
        if (type == d.types.bytesType) {
            len = size(d.views.bytes().size(obj));
            in = parser.inputBuffer(len);
            mem.copyToArray(d.views.bytes().data(obj), in, 0, len);
        } else if (type == d.types.strType) {
            text = true;
            in = null;
            len = 0;
        } else if (type == d.types.bytearrayType) {
            len = size(d.views.bytearray().size(obj));
            in = parser.inputBuffer(len);
            if (len > 0) mem.copyToArray(d.views.bytearray().data(obj), in, 0, len);
        } else if (type == d.types.memoryviewType) {
            if (d.views.memoryview().isReleased(obj)) {
                return d.platform.raise(d.valueError, "operation forbidden on released memoryview object");
            }
            long view = d.views.memoryview().view(obj);
            len = size(mem.getLong(view + PyBufferView.LEN));
            in = parser.inputBuffer(len);
            if ((d.views.memoryview().flags(obj) & dev.serpentine.ffi.view.PyMemoryViewView.C) != 0) {
                if (len > 0) mem.copyToArray(mem.getLong(view + PyBufferView.BUF), in, 0, len);
            } else if (!copyNonContiguous(d, view, in, len)) {
                return 0;
            }
        } else {
            return d.platform.raiseDecodeError(Failure.WRONG_TYPE, emptyStr(d), 0);
        }
        try {
            if (text) {
                len = strToUtf8(d, parser, obj);
                if (len < 0) return 0;
                in = parser.inputBuffer(0);
            }
            if (len == 0) throw Failure.withoutDocument(Failure.EMPTY);
            Utf8.validate(in, len);
            return parser.parse(in, len);
        } catch (Failure f) {
            if (f.documentLess) return d.platform.raiseDecodeError(f.reason(), emptyStr(d), 0);
            long doc = text ? obj : parser.text(in, len);
            try {
                return d.platform.raiseDecodeError(f.reason(), doc, Utf8.codePoints(in, f.offset));
            } finally {
                if (!text) d.py.Py_DecRef(doc);
            }
        } catch (OutOfMemoryError e) {
            if (d.py.PyErr_Occurred() != 0) return 0;
            throw e;
        }
    }

    private static int size(long n) {
        if (n > Integer.MAX_VALUE - 16) throw new OutOfMemoryError("Not enough memory to allocate buffer for parsing");
        return (int) n;
    }

    /** A non-contiguous memoryview's bytes in C order, copied once by CPython into a temporary block. */
    private static boolean copyNonContiguous(Decoding d, long view, byte[] in, int len) {
        long block = d.py.PyMem_Malloc(Math.max(len, 1));
        if (block == 0) {
            d.platform.raise(new OutOfMemoryError("Not enough memory to allocate buffer for parsing"));
            return false;
        }
        try {
            if (d.py.PyBuffer_ToContiguous(block, view, len, (byte) 'C') != 0) return false;
            d.mem.copyToArray(block, in, 0, len);
            return true;
        } finally {
            d.py.PyMem_Free(block);
        }
    }

    private static long emptyStr(Decoding d) {
        long s = d.py.PyUnicode_New(0, 0);
        if (s != 0) d.py.Py_DecRef(s); // the empty str is a singleton the interpreter keeps
        return s;
    }

    /**
     * A str's characters as UTF-8 in the parser's input buffer, read in place at its kind; returns the length, or -1
     * with a Python error set.
     */
    private static int strToUtf8(Decoding d, Parser parser, long s) {
        PyStrView view = d.str;
        NativeMemory mem = d.mem;
        int state = view.state(s);
        long data = view.data(s, state);
        int n = size(view.length(s));
        if (data == 0) { // not ready (3.9–3.11, deprecated Py_UNICODE API): let CPython encode it
            long size = d.py.PyMem_Malloc(8);
            try {
                long utf8 = d.py.PyUnicode_AsUTF8AndSize(s, size);
                if (utf8 == 0) {
                    d.py.PyErr_Clear();
                    throw Utf8.notUtf8();
                }
                int m = size(mem.getLong(size));
                byte[] in = parser.inputBuffer(m);
                mem.copyToArray(utf8, in, 0, m);
                return m;
            } finally {
                d.py.PyMem_Free(size);
            }
        }
        int kind = view.kindOf(state);
        if (kind == PyStrView.KIND_1BYTE && view.isAsciiState(state)) {
            byte[] in = parser.inputBuffer(n);
            if (n > 0) mem.copyToArray(data, in, 0, n);
            return n;
        }
        byte[] in = parser.inputBuffer(size((long) n * (kind == PyStrView.KIND_1BYTE ? 2 : kind == 2 ? 3 : 4)));
        int at = 0;
        if (kind == PyStrView.KIND_1BYTE) {
            byte[] raw = new byte[n];
            mem.copyToArray(data, raw, 0, n);
            for (int i = 0; i < n; i++) at = Utf8.put(in, at, raw[i] & 0xff);
        } else if (kind == PyStrView.KIND_2BYTE) {
            char[] raw = new char[n];
            mem.copyToArray(data, raw, 0, n);
            for (int i = 0; i < n; i++) {
                char c = raw[i];
                if (Character.isSurrogate(c)) throw Utf8.notUtf8();
                at = Utf8.put(in, at, c);
            }
        } else {
            int[] raw = new int[n];
            mem.copyToArray(data, raw, 0, n);
            for (int i = 0; i < n; i++) {
                int c = raw[i];
                if (c >= 0xD800 && c <= 0xDFFF) throw Utf8.notUtf8();
                at = Utf8.put(in, at, c);
            }
        }
        return at;
    }

    // --- Java -------------------------------------------------------------------------------------------------------

    @Override
    public PyRef decode(Python python, byte[] json) {
        return decode(python, json, json.length, null);
    }

    @Override
    public PyRef decode(Python python, ByteBuffer json) {
        int n = json.remaining();
        if (json.hasArray() && json.arrayOffset() + json.position() == 0) {
            return decode(python, json.array(), n, null);
        }
        byte[] copy = new byte[n];
        json.get(json.position(), copy, 0, n);
        return decode(python, copy, n, null);
    }

    @Override
    public PyRef decode(Python python, String json) {
        byte[] utf8 = new byte[json.length() * 3];
        int n;
        try {
            n = Utf8.encode(json, utf8);
        } catch (Failure f) {
            throw new JsonDecodeException(f.reason(), 0, 1, 1);
        }
        return decode(python, utf8, n, json);
    }

    /** {@code in[0, len)}; {@code text} is the document as the caller gave it (positions count its chars), or null. */
    private PyRef decode(Python python, byte[] in, int len, String text) {
        Decoding d = decoding();
        Parser parser = acquire(d);
        try {
            if (len == 0) throw Failure.withoutDocument(Failure.EMPTY);
            Utf8.validate(in, len);
            return d.platform.adopt(python, parser.parse(in, len));
        } catch (Failure f) {
            if (f.documentLess) throw new JsonDecodeException(f.reason(), 0, 1, 1);
            if (text != null) throw JsonDecodeException.at(f.reason(), text, Utf8.utf16Units(in, f.offset));
            throw JsonDecodeException.at(f.reason(), new String(in, 0, len, StandardCharsets.UTF_8), Utf8.codePoints(in, f.offset));
        } catch (OutOfMemoryError e) {
            if (d.py.PyErr_Occurred() != 0) d.py.PyErr_Clear();
            throw e;
        } finally {
            release(parser);
        }
    }
}
