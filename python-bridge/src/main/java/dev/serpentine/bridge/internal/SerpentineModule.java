package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The Python module {@code serpentine}, importable in the embedded interpreter, its functions implemented in Java.
 * Installed once per process into {@code sys.modules}; its functions reach whichever runtime is attached.
 */
final class SerpentineModule {

    static final String NAME = "serpentine";
    private static boolean installed;

    private SerpentineModule() {
    }

    /** Installs the module (GIL held); later calls do nothing. */
    static synchronized void install(CPythonRuntime runtime, PythonScope python) {
        if (installed) return;
        CPythonBinding py = runtime.interpreter().binding();
        long name = CStrings.allocate(py, NAME);
        long module = 0;
        try {
            module = py.PyModule_New(name); // new
            if (module == 0) throw runtime.interpreter().error("creating module " + NAME);
            try (PyRef self = python.borrowed(module)) {
                python.setAttr(self, "__version__", version());
                python.setAttr(self, "__doc__", "Serpentine: JSON between the JVM and CPython (an orjson drop-in).");
            }
            NativeFunction.add(py, module, NAME,
                    "abi_info()\n--\n\nThe running interpreter, its build, the ABI bundle bound to it and the backend.",
                    Signature.none("abi_info"), SerpentineModule::abiInfo);
            if (py.PyDict_SetItemString(py.PyImport_GetModuleDict(), name, module) != 0) { // borrowed modules dict
                throw runtime.interpreter().error("registering module " + NAME);
            }
            installed = true;
        } finally {
            py.Py_DecRef(module);
            CStrings.free(py, name);
        }
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
