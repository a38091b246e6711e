package dev.serpentine.ffi.binding;

import dev.serpentine.ffi.BuildFlavour;
import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.PythonVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one CPython of this process, started through a backend: loaded, initialized with {@code Py_InitializeEx(0)}
 * (the JVM keeps its signal handlers), checked, and with the GIL released so that any thread can take it.
 *
 * <p>CPython is never finalized and never initialized twice in one process: a second {@link #start} with the same
 * installation returns the running interpreter, with another one it is refused.
 *
 * <p>The helpers ({@link #eval}, {@link #exec}, {@link #error}) need the caller to hold the GIL.
 */
public final class RunningInterpreter {

    /**
     * Environment variables that would turn on faulthandler, whose SIGSEGV handler kills the JVM at its first
     * implicit null check. CPython reads them with getenv during initialization, so they are removed before it.
     */
    static final List<String> IGNORED_ENVIRONMENT = List.of("PYTHONFAULTHANDLER", "PYTHONDEVMODE");

    private static RunningInterpreter current;

    private final CPythonBinding py;
    private final CPythonInstallation installation;
    private final PythonVersion version;
    private final BuildFlavour flavour;
    private final long namespace;
    private final long mainThreadState;

    private RunningInterpreter(CPythonBinding py, CPythonInstallation installation) {
        this.py = py;
        this.installation = installation;
        NativeMemory mem = py.memory();
        PythonVersion reported = PythonVersion.parse(CStrings.read(mem, py.Py_GetVersion()));
        if (!reported.sameMinor(installation.version())) {
            throw new InterpreterUnavailableException(installation.library() + " reports version " + reported
                    + ", not " + installation.version().minorVersion());
        }
        py.setenv("PYTHONHOME", installation.home().toString());
        IGNORED_ENVIRONMENT.forEach(py::unsetenv);
        py.Py_InitializeEx(0);
        if (py.Py_IsInitialized() == 0) {
            throw new InterpreterUnavailableException("Py_InitializeEx did not initialize " + installation.origin());
        }
        long ns = 0;
        try {
            long mainName = CStrings.allocate(py, "__main__");
            try {
                ns = py.PyDict_Copy(py.PyModule_GetDict(py.PyImport_AddModule(mainName)));
            } finally {
                CStrings.free(py, mainName);
            }
            this.namespace = ns;
            // `import json` silently falls back to pure Python when C extensions cannot see libpython's symbols.
            exec("import _json, sys\n"
                    + "import faulthandler\n"
                    + "if faulthandler.is_enabled(): faulthandler.disable()\n");
            String[] facts = evalString("'|'.join((sys.version, sys.abiflags, str(hasattr(sys, 'getobjects')),"
                    + " str(bool(__import__('sysconfig').get_config_var('Py_GIL_DISABLED')))))").split("\\|", -1);
            this.version = PythonVersion.parse(facts[0]);
            this.flavour = new BuildFlavour(facts[1], Boolean.parseBoolean(facts[3]), Boolean.parseBoolean(facts[2]));
        } finally {
            this.mainThreadState = py.PyEval_SaveThread();
        }
    }

    /**
     * Loads and initializes {@code installation} through {@code py}, or returns the interpreter already running
     * from the same installation.
     *
     * @throws InterpreterUnavailableException when the installation is broken (checked before CPython is touched),
     *                                         the library does not load, or another interpreter already runs
     */
    public static synchronized RunningInterpreter start(CPythonBinding py, CPythonInstallation installation) {
        installation.checkStandardLibrary();
        if (current != null) {
            if (sameFile(current.installation.library(), installation.library())
                    && current.py.backendName().equals(py.backendName())) {
                return current;
            }
            throw new InterpreterUnavailableException("CPython " + current.version + " from " + current.installation.origin()
                    + " already runs in this process (backend " + current.py.backendName() + "); one interpreter per"
                    + " process, never re-initialized — cannot start " + installation.origin());
        }
        checkStartupModules(installation);
        py.load(installation);
        if (py.Py_IsInitialized() != 0) {
            throw new InterpreterUnavailableException("CPython is already initialized in this process by someone else");
        }
        current = new RunningInterpreter(py, installation);
        return current;
    }

    /**
     * Whether two paths name the same libpython. A python executable reports the development symlink
     * ({@code lib/libpython3.X.so}), a home the versioned file it points to ({@code libpython3.X.so.1.0}).
     */
    private static boolean sameFile(Path a, Path b) {
        if (a.equals(b)) return true;
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The standard-library modules {@code Py_InitializeEx} imports from files (3.11+ has the others frozen in). One
     * missing makes initialization a fatal error, and CPython then calls {@code exit()}: the JVM would vanish.
     */
    private static void checkStartupModules(CPythonInstallation installation) {
        Path stdlib = installation.standardLibrary();
        int minor = installation.version().minor();
        if (Files.isRegularFile(stdlib.resolveSibling("python3" + minor + ".zip"))) return; // modules in the zip
        List<String> modules = new ArrayList<>(List.of("encodings/__init__", "encodings/aliases", "encodings/utf_8"));
        if (minor < 11) {
            modules.addAll(List.of("codecs", "io", "abc", "os", "stat", "posixpath", "genericpath", "_collections_abc",
                    "site", "_sitebuiltins"));
        }
        if (minor < 10) modules.addAll(List.of("encodings/latin_1", "_bootlocale"));
        for (String m : modules) {
            if (!Files.isRegularFile(stdlib.resolve(m + ".py")) && !Files.isRegularFile(stdlib.resolve(m + ".pyc"))) {
                throw new InterpreterUnavailableException("the Python home " + installation.home() + " has an incomplete"
                        + " standard library (" + stdlib.resolve(m + ".py") + " is missing); CPython "
                        + installation.version().minorVersion() + " would exit the process while initializing");
            }
        }
    }

    /** The running interpreter, or null before {@link #start}. */
    public static synchronized RunningInterpreter current() {
        return current;
    }

    public CPythonBinding binding() {
        return py;
    }

    public CPythonInstallation installation() {
        return installation;
    }

    /** The version the running interpreter reports ({@code sys.version}). */
    public PythonVersion version() {
        return version;
    }

    public BuildFlavour flavour() {
        return flavour;
    }

    /** The thread state of the thread that initialized CPython. */
    public long mainThreadState() {
        return mainThreadState;
    }

    /** Evaluates a Python expression in Serpentine's private namespace: a new reference. GIL held. */
    public long eval(String expression) {
        return run(expression, CPythonBinding.Py_eval_input);
    }

    /** Evaluates an expression whose value is a {@code str}. GIL held. */
    public String evalString(String expression) {
        long s = eval(expression);
        try {
            return utf8(s);
        } finally {
            py.Py_DecRef(s);
        }
    }

    /** Runs statements in Serpentine's private namespace. GIL held. */
    public void exec(String code) {
        py.Py_DecRef(run(code, CPythonBinding.Py_file_input));
    }

    private long run(String code, int start) {
        long c = CStrings.allocate(py, code);
        try {
            long r = py.PyRun_StringFlags(c, start, namespace, namespace, 0);
            if (r == 0) throw error("running Python code");
            return r;
        } finally {
            CStrings.free(py, c);
        }
    }

    /** The UTF-8 text of a {@code str} object. GIL held. */
    public String utf8(long str) {
        long size = py.PyMem_RawMalloc(8);
        try {
            long p = py.PyUnicode_AsUTF8AndSize(str, size);
            if (p == 0) throw error("reading a str");
            return CStrings.read(py.memory(), p, py.memory().getLong(size));
        } finally {
            py.PyMem_RawFree(size);
        }
    }

    /**
     * Takes the pending Python exception (clearing it) and turns it into a {@link PythonException} with type name,
     * message and formatted traceback. With no exception pending, describes {@code context} as a failure that set
     * none. GIL held.
     */
    public PythonException error(String context) {
        return PythonErrors.fetch(this, context);
    }
}
