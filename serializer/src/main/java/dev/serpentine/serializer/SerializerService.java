package dev.serpentine.serializer;

import dev.serpentine.bridge.Python;
import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.json.JsonEncodeException;
import dev.serpentine.bridge.json.JsonEncoder;
import dev.serpentine.bridge.spi.CodecPlatform;
import dev.serpentine.bridge.spi.PlatformTypes;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.CPythonViews;
import dev.serpentine.ffi.view.PyStrView;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * The serializer's {@link JsonEncoder} service: {@code serpentine.dumps} (orjson's arguments, json-contract.md §2.1)
 * and the Java entry points. A DS component in OSGi (bound to the {@code PythonRuntime} service); in plain Java,
 * {@link java.util.ServiceLoader} makes it and it binds to the runtime running when first called.
 */
@Component(service = JsonEncoder.class)
public final class SerializerService implements JsonEncoder {

    private static final byte[] DEFAULT = "default".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OPTION = "option".getBytes(StandardCharsets.US_ASCII);
    /** Python's {@code Py_file_input}. */
    private static final int FILE_INPUT = 257;
    /** Types whose dataclass-ness is remembered (each kept alive by a reference, so its address is not reused). */
    private static final int MAX_KNOWN_TYPES = 4096;

    private volatile CodecPlatform platform;
    private final AtomicReference<Encoder> idle = new AtomicReference<>();
    private volatile Rare rare;
    /** numpy's types (OPT_SERIALIZE_NUMPY), found the first time a numpy object is written. */
    private volatile NumpyTypes numpy;
    /** Guarded by the GIL (every access runs with it held). */
    private final Map<Long, Boolean> dataclassTypes = new HashMap<>();

    /** For {@link java.util.ServiceLoader} and DS. */
    public SerializerService() {
    }

    /** Bound to {@code platform} (what a test or an embedding application installs with the SPI). */
    public SerializerService(CodecPlatform platform) {
        this.platform = platform;
    }

    @Reference
    private PythonRuntime runtime;

    /** Loads the helpers before any call (a failure refuses this release: the component does not activate). */
    @Activate
    void activate() {
        platform = CodecPlatform.of(runtime);
        prepare(runtime);
    }

    /** Loads the helpers, in a GIL task of {@code runtime}. */
    public void prepare(PythonRuntime runtime) {
        platform().types(); // a GIL task of its own on first use
        runtime.call(python -> rare());
    }

    CodecPlatform platform() {
        CodecPlatform p = platform;
        if (p == null) {
            p = CodecPlatform.active();
            platform = p;
        }
        return p;
    }

    // --- JsonEncoder ----------------------------------------------------------------------------------------------

    @Override
    public long dumps(long args, long nargs, long kwnames) {
        CodecPlatform p = platform();
        CPythonBinding py = p.binding();
        try {
            CPythonViews views = p.views();
            PlatformTypes types = p.types();
            long typeError = types.jsonEncodeError;
            if (nargs < 1) return p.raise(typeError, "dumps() missing 1 required positional argument: 'obj'");
            if (nargs > 3) {
                return p.raise(typeError, "dumps() takes at most 3 positional arguments (" + nargs + " given)");
            }
            NativeMemory mem = py.memory();
            long obj = mem.getLong(args);
            long dflt = nargs >= 2 ? mem.getLong(args + 8) : 0;
            long option = nargs >= 3 ? mem.getLong(args + 16) : 0;
            if (kwnames != 0) {
                long n = views.object().size(kwnames);
                long names = kwnames + views.abi().layout().tupleItems;
                for (long i = 0; i < n; i++) {
                    long name = mem.getLong(names + 8 * i);
                    long value = mem.getLong(args + 8 * (nargs + i));
                    if (nameIs(views.str(), mem, name, DEFAULT)) {
                        if (dflt != 0) return p.raise(typeError, "dumps() got multiple values for argument: 'default'");
                        dflt = value;
                    } else if (nameIs(views.str(), mem, name, OPTION)) {
                        if (option != 0) return p.raise(typeError, "dumps() got multiple values for argument: 'option'");
                        option = value;
                    } else {
                        return p.raise(typeError, "dumps() got an unexpected keyword argument");
                    }
                }
            }
            int opts = 0;
            if (option != 0 && option != types.builtin.none) {
                opts = options(views, option);
                if (opts < 0) return p.raise(typeError, "Invalid opts");
            }
            Encoder e = take(p);
            try {
                return e.toBytes(views, obj, opts, dflt);
            } finally {
                idle.set(e);
            }
        } catch (EncodeFailure f) {
            return raise(p, f);
        } catch (Throwable t) {
            return p.raise(t);
        }
    }

    @Override
    public byte[] encode(Python python, PyRef value, int options) {
        return encodeForJava(options, (e, p) -> e.toArray(p.views(), value.address(), options));
    }

    @Override
    public int encode(Python python, PyRef value, int options, ByteBuffer out) {
        return encodeForJava(options, (e, p) -> e.toBuffer(p.views(), value.address(), options, out));
    }

    @Override
    public PyRef encodeToBytes(Python python, PyRef value, int options) {
        return encodeForJava(options, (e, p) -> p.adopt(python, e.toBytes(p.views(), value.address(), options, 0)));
    }

    /** A Java entry point's encoding: options checked, an idle encoder, failures as {@link JsonEncodeException}. */
    private <T> T encodeForJava(int options, BiFunction<Encoder, CodecPlatform, T> encoding) {
        CodecPlatform p = platform();
        if (options < 0 || options > Encoder.MAX_OPT) throw new JsonEncodeException("Invalid opts");
        Encoder e = take(p);
        try {
            return encoding.apply(e, p);
        } catch (EncodeFailure f) {
            if (f.getMessage() == null) {
                throw new JsonEncodeException(describe(p, f.cause));
            }
            if (f.cause != 0) p.binding().Py_DecRef(f.cause);
            throw new JsonEncodeException(f.getMessage());
        } finally {
            idle.set(e);
        }
    }

    /** The text of a Python exception (new reference, dropped). */
    private static String describe(CodecPlatform p, long exception) {
        CPythonBinding py = p.binding();
        long s = py.PyObject_Str(exception);
        py.Py_DecRef(exception);
        if (s == 0) {
            py.PyErr_Clear();
            return "Python error";
        }
        try {
            return p.views().str().toJavaString(s);
        } finally {
            py.Py_DecRef(s);
        }
    }

    private Encoder take(CodecPlatform p) {
        Encoder e = idle.getAndSet(null);
        return e != null ? e : new Encoder(this, p);
    }

    /** Raises {@code f}: the contract's TypeError (with its cause), or the Python error it carries as is. */
    private static long raise(CodecPlatform p, EncodeFailure f) {
        long cause = f.cause;
        f.cause = 0;
        if (f.getMessage() == null) {
            CPythonBinding py = p.binding();
            if (cause == 0) return 0;
            long type = py.PyObject_Type(cause);
            py.PyErr_SetObject(type, cause);
            py.Py_DecRef(type);
            py.Py_DecRef(cause);
            return 0;
        }
        long type = f.type != 0 ? f.type : p.types().jsonEncodeError;
        return cause != 0 ? p.raise(type, f.getMessage(), cause) : p.raise(type, f.getMessage());
    }

    /** Whether {@code name} (a str) is the ASCII {@code expected}. */
    private static boolean nameIs(PyStrView str, NativeMemory mem, long name, byte[] expected) {
        int state = str.state(name);
        if (!str.isAsciiState(state) || str.length(name) != expected.length) return false;
        long data = str.data(name, state);
        if (data == 0) return false;
        for (int i = 0; i < expected.length; i++) if (mem.getByte(data + i) != expected[i]) return false;
        return true;
    }

    /** An {@code option} of exact type int in 0..MAX_OPT, else -1. */
    private static int options(CPythonViews views, long option) {
        if (views.object().type(option) != views.types().longType) return -1;
        var integer = views.integer();
        long header = integer.header(option);
        long n = integer.digitCountOf(header);
        if (n == 0) return 0;
        if (n != 1 || integer.signumOf(header) < 0) return -1;
        int v = integer.digit(option, 0);
        return v >= 0 && v <= Encoder.MAX_OPT ? v : -1;
    }

    // --- Python calls for the rare types ---------------------------------------------------------------------

    /** The type addresses and helper functions of the rare types; made on first need (GIL held). */
    static final class Rare {
        final long datetime;
        final long date;
        final long time;
        final long uuid;
        final long enumMeta;
        final long fragment;
        final long refusal;
        final long datetimeText;
        final long dateText;
        final long timeText;
        final long dataclassFields;
        final long isDataclassType;
        final long getValue;
        final long getContents;
        final long numpyTypes;
        final long numpyDatetimeUnit;
        /** The str "__array_struct__". */
        final long arrayStruct;

        Rare(PlatformTypes types, CPythonBinding py, long namespace) {
            datetime = types.datetime;
            date = types.date;
            time = types.time;
            uuid = types.uuid;
            enumMeta = types.enumMeta;
            fragment = types.fragment; // the bridge's: one class across serializer releases
            refusal = item(py, namespace, "Refusal");
            datetimeText = item(py, namespace, "datetime_text");
            dateText = item(py, namespace, "date_text");
            timeText = item(py, namespace, "time_text");
            dataclassFields = item(py, namespace, "dataclass_fields");
            isDataclassType = item(py, namespace, "is_dataclass_type");
            getValue = item(py, namespace, "enum_value");
            getContents = item(py, namespace, "fragment_contents");
            numpyTypes = item(py, namespace, "numpy_types");
            numpyDatetimeUnit = item(py, namespace, "numpy_datetime_unit");
            arrayStruct = item(py, namespace, "ARRAY_STRUCT");
        }

        /** A borrowed item of the namespace, which the process keeps. */
        private static long item(CPythonBinding py, long namespace, String name) {
            long v = CStrings.call(py, name, c -> py.PyDict_GetItemString(namespace, c));
            if (v == 0) throw new IllegalStateException("serializer helper " + name + " missing");
            return v;
        }
    }

    Rare rare() {
        Rare r = rare;
        return r != null ? r : loadRare();
    }

    private synchronized Rare loadRare() {
        if (rare != null) return rare;
        CodecPlatform p = platform();
        CPythonBinding py = p.binding();
        String code;
        try (InputStream in = SerializerService.class.getResourceAsStream("helpers.py")) {
            if (in == null) throw new IllegalStateException("helpers.py missing from the serializer jar");
            code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        long namespace = py.PyDict_New(); // kept for the life of the process: the helpers live in it
        long builtins = CStrings.call(py, "builtins", py::PyImport_ImportModule);
        if (namespace == 0 || builtins == 0) throw new IllegalStateException("cannot prepare the serializer helpers");
        CStrings.call(py, "__builtins__", c -> py.PyDict_SetItemString(namespace, c, builtins));
        py.Py_DecRef(builtins);
        long done = CStrings.call(py, code, c -> py.PyRun_StringFlags(c, FILE_INPUT, namespace, namespace, 0));
        if (done == 0) {
            throw new IllegalStateException("serializer helpers failed: " + describe(p, p.fetchError()));
        }
        py.Py_DecRef(done);
        Rare r = new Rare(p.types(), py, namespace);
        rare = r;
        return r;
    }

    /** numpy's types once numpy has been seen, else null (GIL held). */
    NumpyTypes numpyTypes() {
        return numpy;
    }

    /** From {@code numpy_types}' result (a new reference: kept, or dropped if None); null while numpy is absent. */
    NumpyTypes loadNumpyTypes(long types) {
        CodecPlatform p = platform();
        if (types == p.types().builtin.none) {
            p.binding().Py_DecRef(types);
            return null;
        }
        CPythonViews views = p.views();
        numpy = new NumpyTypes(p.binding(), views.object(), views.type(), types, views.abi().layout().tupleItems,
                views.abi().layout().floatValue);
        return numpy;
    }

    Boolean knownDataclassType(long type) {
        return dataclassTypes.get(type);
    }

    /** Asks the helper (Python code runs: the caller pinned what it holds). */
    boolean isDataclassType(long type) {
        CPythonBinding py = platform().binding();
        long r = callOne(rare().isDataclassType, type);
        if (r == 0) throw new EncodeFailure(null, platform().fetchError());
        boolean is = r == platform().types().builtin.trueObject;
        py.Py_DecRef(r);
        if (dataclassTypes.size() < MAX_KNOWN_TYPES) {
            py.Py_IncRef(type);
            dataclassTypes.put(type, is);
        }
        return is;
    }

    /** {@code fn(o)}: a new reference, or 0 with an error set. */
    long callOne(long fn, long o) {
        CPythonBinding py = platform().binding();
        long args = py.PyTuple_New(1);
        if (args == 0) return 0;
        py.Py_IncRef(o);
        py.PyTuple_SetItem(args, 0, o);
        long r = py.PyObject_CallObject(fn, args);
        py.Py_DecRef(args);
        return r;
    }

    /** {@code helper(o, opts)}: a new reference, or 0 with an error set. */
    long callHelper(long helper, long o, int opts) {
        CPythonBinding py = platform().binding();
        long args = py.PyTuple_New(2);
        long options = py.PyLong_FromLongLong(opts);
        if (args == 0 || options == 0) {
            py.Py_DecRef(args);
            py.Py_DecRef(options);
            return 0;
        }
        py.Py_IncRef(o);
        py.PyTuple_SetItem(args, 0, o);
        py.PyTuple_SetItem(args, 1, options);
        long r = py.PyObject_CallObject(helper, args);
        py.Py_DecRef(args);
        return r;
    }

    /** The failure for a helper's pending error: a Refusal's own message, else not serializable with the cause. */
    EncodeFailure helperFailure(long o, String typeName) {
        CodecPlatform p = platform();
        long exception = p.fetchError();
        if (exception != 0 && p.binding().PyObject_IsInstance(exception, rare().refusal) == 1) {
            return new EncodeFailure(describe(p, exception), 0);
        }
        return new EncodeFailure("Type is not JSON serializable: " + typeName, exception);
    }
}
