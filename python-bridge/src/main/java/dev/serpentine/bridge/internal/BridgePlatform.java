package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.json.JsonDecoder;
import dev.serpentine.bridge.json.JsonEncoder;
import dev.serpentine.bridge.spi.CodecPlatform;
import dev.serpentine.bridge.spi.FastcallFunction;
import dev.serpentine.bridge.spi.OneArgFunction;
import dev.serpentine.bridge.spi.Parameters;
import dev.serpentine.bridge.spi.PlatformTypes;
import dev.serpentine.bridge.spi.Registration;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.CPythonViews;

import java.util.List;

/** The codec SPI over one runtime: its binding and views, and the process's {@code serpentine} module. */
public final class BridgePlatform implements CodecPlatform {

    /** Looked up once: CPython is initialized once per process, so the type objects never change. */
    private static volatile PlatformTypes types;

    private final CPythonRuntime runtime;
    private final CPythonBinding py;
    private final NativeMemory mem;

    private BridgePlatform(CPythonRuntime runtime) {
        this.runtime = runtime;
        this.py = runtime.interpreter().binding();
        this.mem = py.memory();
    }

    public static CodecPlatform of(PythonRuntime runtime) {
        if (!(runtime instanceof CPythonRuntime r)) {
            throw new IllegalArgumentException("not the bridge's runtime: " + runtime);
        }
        return new BridgePlatform(r);
    }

    /** The platform of {@link ActiveRuntime#get()}. */
    public static CodecPlatform active() {
        return new BridgePlatform(ActiveRuntime.get());
    }

    @Override
    public PyRef adopt(Python python, long newReference) {
        return ((PythonScope) python).adopt(newReference);
    }

    @Override
    public CPythonBinding binding() {
        return py;
    }

    @Override
    public CPythonViews views() {
        return runtime.views();
    }

    @Override
    public PlatformTypes types() {
        PlatformTypes t = types;
        if (t != null) return t;
        return runtime.call(python -> {
            synchronized (BridgePlatform.class) { // inside the GIL task: the lock is always taken after the GIL
                if (types == null) {
                    PythonScope scope = (PythonScope) python;
                    types = new PlatformTypes(runtime.views().types(),
                            kept(scope, "datetime", "datetime"), kept(scope, "datetime", "date"),
                            kept(scope, "datetime", "time"), kept(scope, "datetime", "timezone"),
                            kept(scope, "uuid", "UUID"), kept(scope, "enum", "EnumMeta"),
                            kept(scope, "collections", "OrderedDict"),
                            SerpentineModule.fragmentClass(),
                            SerpentineModule.jsonDecodeError(), mem.getLong(py.symbol("PyExc_TypeError")));
                }
                return types;
            }
        });
    }

    /** {@code module.name}, with a reference the process keeps (its address stays valid). */
    private static long kept(PythonScope python, String module, String name) {
        try (PyRef m = python.importModule(module); PyRef attr = python.getAttr(m, name)) {
            python.share(attr).detach();
            return attr.address();
        }
    }

    @Override
    public Parameters parameters(String name, List<String> positionalOnly, List<String> others, int required) {
        return Signature.of(name, positionalOnly, others, required).reading(mem);
    }

    @Override
    public Registration addFunction(Parameters parameters, String doc, FastcallFunction body) {
        if (!(parameters instanceof Signature signature)) {
            throw new IllegalArgumentException("parameters come from CodecPlatform.parameters(...)");
        }
        String fullDoc = signature.name() + signature.textSignature() + "\n--\n\n" + doc;
        return runtime.call(python -> SerpentineModule.add(py, signature.name(), false, fullDoc, signature, body));
    }

    @Override
    public Registration addFunction(String name, String parameter, String doc, OneArgFunction body) {
        Signature signature = Signature.of(name, List.of(parameter), List.of(), 1); // checks the names
        String fullDoc = name + signature.textSignature() + "\n--\n\n" + doc;
        return runtime.call(python -> SerpentineModule.add(py, name, true, fullDoc, null, body));
    }

    @Override
    public long raise(long type, String message) {
        CStrings.call(py, message, c -> {
            py.PyErr_SetString(type, c);
            return 0;
        });
        return 0;
    }

    @Override
    public long raise(long type, String message, long cause) {
        long exception = call(type, str(message));
        if (exception == 0) {
            py.Py_DecRef(cause);
            return 0;
        }
        py.PyException_SetCause(exception, cause); // steals cause
        py.PyErr_SetObject(type, exception);
        py.Py_DecRef(exception);
        return 0;
    }

    @Override
    public long raiseDecodeError(String message, long document, long position) {
        py.Py_IncRef(document);
        long exception = call(SerpentineModule.jsonDecodeError(), str(message), document, py.PyLong_FromLongLong(position));
        if (exception == 0) return 0;
        py.PyErr_SetObject(SerpentineModule.jsonDecodeError(), exception);
        py.Py_DecRef(exception);
        return 0;
    }

    private long str(String s) {
        return CStrings.call(py, s, c -> py.PyUnicode_FromStringAndSize(c, mem.strlen(c)));
    }

    /** {@code type(*arguments)}, stealing the arguments (new references; a 0 among them fails the call). */
    private long call(long type, long... arguments) {
        long tuple = py.PyTuple_New(arguments.length);
        boolean complete = tuple != 0;
        for (int i = 0; i < arguments.length; i++) {
            if (arguments[i] == 0) complete = false;
            if (tuple != 0 && arguments[i] != 0) py.PyTuple_SetItem(tuple, i, arguments[i]); // steals
            else py.Py_DecRef(arguments[i]);
        }
        long result = complete ? py.PyObject_CallObject(type, tuple) : 0;
        py.Py_DecRef(tuple);
        return result;
    }

    @Override
    public long raise(Throwable t) {
        return ExceptionMapping.raise(py, t);
    }

    @Override
    public long fetchError() {
        long slots = py.PyMem_RawCalloc(3, 8);
        if (slots == 0) throw new OutOfMemoryError("PyMem_RawCalloc failed");
        try {
            py.PyErr_Fetch(slots, slots + 8, slots + 16);
            if (mem.getLong(slots) == 0) return 0;
            py.PyErr_NormalizeException(slots, slots + 8, slots + 16);
            long type = mem.getLong(slots);
            long value = mem.getLong(slots + 8);
            long traceback = mem.getLong(slots + 16);
            if (traceback != 0 && CStrings.call(py, "__traceback__", c -> py.PyObject_SetAttrString(value, c, traceback)) != 0) {
                py.PyErr_Clear();
            }
            py.Py_DecRef(type);
            py.Py_DecRef(traceback);
            return value;
        } finally {
            py.PyMem_RawFree(slots);
        }
    }

    @Override
    public Registration installEncoder(JsonEncoder encoder) {
        Codecs.setEncoder(encoder);
        return () -> Codecs.removeEncoder(encoder);
    }

    @Override
    public Registration installDecoder(JsonDecoder decoder) {
        Codecs.setDecoder(decoder);
        return () -> Codecs.removeDecoder(decoder);
    }
}
