package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.json.JsonDecoder;
import dev.serpentine.bridge.json.JsonEncoder;
import dev.serpentine.bridge.json.JsonOption;
import dev.serpentine.bridge.spi.Registration;
import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The Python module {@code serpentine}, importable in the embedded interpreter, its functions implemented in Java.
 * Installed once per process into {@code sys.modules}; its functions reach whichever runtime is attached.
 *
 * <p>It has {@code dumps} and {@code loads}, which forward to the JSON codec in use ({@link Codecs}, read once per
 * call), the exceptions the codecs share ({@code JSONEncodeError} is {@code TypeError}; {@code JSONDecodeError}
 * subclasses {@code json.JSONDecodeError}), and whatever functions codec bundles add through the SPI.
 */
final class SerpentineModule {

    static final String NAME = "serpentine";
    private static boolean installed;
    /** The module object; the bridge keeps its own reference, so it outlives a {@code del sys.modules[...]}. */
    private static long module;
    private static long jsonDecodeError;
    /** {@code serpentine.Fragment}, the class of {@link #FRAGMENT_MODULE}; a reference the process keeps. */
    private static long fragmentClass;
    /** The functions added by name; guarded by the class, and only touched with the GIL held. */
    private static final Map<String, PythonFunction> FUNCTIONS = new HashMap<>();

    private SerpentineModule() {
    }

    /** Installs the module (GIL held); later calls do nothing. */
    static synchronized void install(CPythonRuntime runtime, PythonScope python) {
        if (installed) return;
        CPythonBinding py = runtime.interpreter().binding();
        long name = CStrings.allocate(py, NAME);
        try {
            long m = py.PyModule_New(name); // new, kept
            if (m == 0) throw runtime.interpreter().error("creating module " + NAME);
            try (PyRef self = python.borrowed(m); PyRef json = python.importModule("json");
                 PyRef base = python.getAttr(json, "JSONDecodeError")) {
                python.setAttr(self, "__version__", version());
                python.setAttr(self, "__doc__", "Serpentine: JSON between the JVM and CPython (an orjson drop-in).");
                for (JsonOption o : JsonOption.values()) python.setAttr(self, "OPT_" + o.name(), (long) o.bit);
                // Deprecated no-ops kept by orjson for version 2 callers.
                python.setAttr(self, "OPT_SERIALIZE_DATACLASS", 0L);
                python.setAttr(self, "OPT_SERIALIZE_UUID", 0L);
                long decodeError = CStrings.call(py, NAME + ".JSONDecodeError",
                        n -> py.PyErr_NewException(n, base.address(), 0)); // new, kept
                if (decodeError == 0) throw runtime.interpreter().error("creating " + NAME + ".JSONDecodeError");
                try (PyRef e = python.borrowed(decodeError); PyRef typeError = python.eval("TypeError")) {
                    python.setAttr(self, "JSONDecodeError", e);
                    python.setAttr(self, "JSONEncodeError", typeError);
                }
                jsonDecodeError = decodeError;
                try (PyRef fragment = fragmentClass(python)) {
                    python.setAttr(self, "Fragment", fragment);
                    python.share(fragment).detach(); // kept: its address is PlatformTypes.fragment
                    fragmentClass = fragment.address();
                }
            }
            NativeFunction.add(py, m, NAME,
                    "abi_info()\n--\n\nThe running interpreter, its build, the ABI bundle bound to it and the backend.",
                    Signature.none("abi_info"), SerpentineModule::abiInfo);
            PythonFunction.fastcall(py, NAME, "dumps",
                    "dumps(obj, /, default=None, option=None)\n--\n\nSerialize Python objects to JSON.", null,
                    SerpentineModule::dumps).setIn(m, "dumps");
            PythonFunction.oneArg(py, NAME, "loads", "loads(obj, /)\n--\n\nDeserialize JSON to Python objects.",
                    SerpentineModule::loads).setIn(m, "loads");
            JvmSignals.guard(runtime.interpreter(), python, m); // before any user code can run
            if (py.PyDict_SetItemString(py.PyImport_GetModuleDict(), name, m) != 0) { // borrowed modules dict
                throw runtime.interpreter().error("registering module " + NAME);
            }
            module = m;
            installed = true;
        } finally {
            CStrings.free(py, name);
        }
    }

    /** The module that owns {@code serpentine.Fragment}, in {@code sys.modules} for the life of the process. */
    static final String FRAGMENT_MODULE = NAME + "._fragment";

    /**
     * {@code serpentine.Fragment}: the class of {@value #FRAGMENT_MODULE}, made from {@code fragment.py} the first
     * time and found in {@code sys.modules} after that (a refresh of the bridge installs this module again), so a
     * Fragment keeps its class across serializer releases and bridge refreshes.
     */
    private static PyRef fragmentClass(PythonScope python) {
        try (PyRef sys = python.importModule("sys"); PyRef modules = python.getAttr(sys, "modules");
             PyRef get = python.getAttr(modules, "get"); PyRef existing = python.call(get, FRAGMENT_MODULE)) {
            if (python.toJava(existing) != null) return python.getAttr(existing, "Fragment");
            try (PyRef types = python.importModule("types"); PyRef moduleType = python.getAttr(types, "ModuleType");
                 PyRef m = python.call(moduleType, FRAGMENT_MODULE); PyRef namespace = python.getAttr(m, "__dict__");
                 PyRef builtins = python.importModule("builtins"); PyRef exec = python.getAttr(builtins, "exec");
                 PyRef set = python.getAttr(modules, "__setitem__")) {
                python.call(exec, resource("fragment.py"), namespace).close();
                python.call(set, FRAGMENT_MODULE, m).close();
                return python.getAttr(m, "Fragment");
            }
        }
    }

    private static String resource(String name) {
        try (InputStream in = SerpentineModule.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("python-bridge has no " + name);
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    /** {@code serpentine.Fragment} (the module is installed before any runtime is offered). */
    static long fragmentClass() {
        return fragmentClass;
    }

    /** {@code serpentine.JSONDecodeError} (the module is installed before any runtime is offered). */
    static long jsonDecodeError() {
        return jsonDecodeError;
    }

    private static long dumps(long args, long nargs, long kwnames) {
        JsonEncoder encoder = Codecs.currentEncoder();
        if (encoder == null) throw new PythonException("RuntimeError", Codecs.NO_ENCODER, "");
        return encoder.dumps(args, nargs, kwnames);
    }

    private static long loads(long obj) {
        JsonDecoder decoder = Codecs.currentDecoder();
        if (decoder == null) throw new PythonException("RuntimeError", Codecs.NO_DECODER, "");
        return decoder.loads(obj);
    }

    /**
     * Sets {@code serpentine.<name>} to a function with {@code body} (GIL held). A function of that name and shape
     * gets the new body in place (same function object: a caller never sees it missing); one of another shape is
     * replaced by a new function, and the old one raises when called.
     */
    static synchronized Registration add(CPythonBinding py, String name, boolean oneArg, String doc, Signature checked,
                                         Object body) {
        PythonFunction f = FUNCTIONS.get(name);
        if (f != null && f.hasShape(oneArg, doc)) {
            f.setBody(body);
        } else {
            if (f != null) f.setBody(null);
            f = oneArg
                    ? PythonFunction.oneArg(py, NAME, name, doc, (dev.serpentine.bridge.spi.OneArgFunction) body)
                    : PythonFunction.fastcall(py, NAME, name, doc, checked, (dev.serpentine.bridge.spi.FastcallFunction) body);
            FUNCTIONS.put(name, f);
        }
        f.setIn(module, name);
        PythonFunction added = f;
        return new Registration() {
            @Override
            public void close() {
                remove(py, name, added, body);
            }
        };
    }

    /** Takes {@code body} out of {@code serpentine.<name>} unless a later registration replaced it. */
    private static void remove(CPythonBinding py, String name, PythonFunction f, Object body) {
        synchronized (SerpentineModule.class) {
            if (f.body() != body || FUNCTIONS.get(name) != f) return;
            f.setBody(null);
            FUNCTIONS.remove(name);
        }
        // The attribute goes too, so `hasattr(serpentine, name)` tells; a stopped runtime leaves Python alone.
        CPythonRuntime runtime = ActiveRuntime.current();
        if (runtime == null) return;
        runtime.call(python -> {
            synchronized (SerpentineModule.class) {
                if (FUNCTIONS.get(name) == null
                        && CStrings.call(py, name, c -> py.PyObject_SetAttrString(module, c, 0)) != 0) {
                    py.PyErr_Clear(); // already deleted by Python code
                }
            }
            return null;
        });
    }

    private static PyRef abiInfo(PythonScope python, long[] args) {
        CPythonRuntime runtime = ActiveRuntime.get();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("interpreter", runtime.version().toString());
        info.put("build", runtime.flavour().layoutName());
        info.put("abiflags", runtime.flavour().abiflags());
        info.put("abi_bundle", runtime.abi().tag());
        info.put("abi_bundle_version", runtime.abi().bundleVersion());
        info.put("backend", runtime.backend());
        return python.dict(info);
    }

    /** The bridge's version, from the filtered {@code version.properties}. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = SerpentineModule.class.getResourceAsStream("version.properties")) {
            if (in == null) throw new IllegalStateException("python-bridge has no version.properties");
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read version.properties", e);
        }
        return p.getProperty("version");
    }
}
