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
 * The one CPython of this process, started through a backend: loaded, initialized through {@code PyConfig} (the JVM
 * keeps its signal handlers; a failure is an exception, not a process exit), checked, and with the GIL released so
 * that any thread can take it.
 *
 * <p>The bridge's runtime is its one owner: it starts it and hands it to whatever needs it (ABI verification, the
 * allocator, the buffer protocol). CPython is never finalized and never initialized twice in one process: a second
 * {@link #start} with the same installation returns the running interpreter, with another one it is refused. When
 * this class is loaded again (an OSGi refresh of its bundle) while CPython runs, {@link #start} adopts the running
 * interpreter instead.
 *
 * <p>The helpers ({@link #eval}, {@link #exec}, {@link #error}) need the caller to hold the GIL.
 */
public final class RunningInterpreter {

    /**
     * Environment variables that would turn on faulthandler, whose SIGSEGV handler kills the JVM at its first
     * implicit null check. CPython reads them with getenv during initialization, so they are removed before it.
     */
    static final List<String> IGNORED_ENVIRONMENT = List.of("PYTHONFAULTHANDLER", "PYTHONDEVMODE");

    /** {@code PyConfig.install_signal_handlers}: at 16 in every 3.9–3.14 build (cpython-abi.md §10). */
    private static final int INSTALL_SIGNAL_HANDLERS = 16;
    /** More than {@code sizeof(PyConfig)} of any 3.9–3.14 build (at most 472): over-allocating is harmless. */
    private static final int PYCONFIG_ALLOCATION = 1024;

    /** The interpreter this copy of the class started or adopted. */
    private static RunningInterpreter started;
    /** Why CPython stopped half-way through its initialization in this process; it cannot be started again. */
    private static String brokenBy;

    private final CPythonBinding py;
    private final CPythonInstallation installation;
    private final PythonVersion version;
    private final BuildFlavour flavour;
    private final long namespace;

    private RunningInterpreter(CPythonBinding py, CPythonInstallation installation, boolean adopt) {
        this.py = py;
        this.installation = installation;
        NativeMemory mem = py.memory();
        PythonVersion reported = PythonVersion.parse(CStrings.read(mem, py.Py_GetVersion()));
        if (!reported.sameMinor(installation.version())) {
            throw new InterpreterUnavailableException(installation.library() + " reports version " + reported
                    + ", not " + installation.version().minorVersion());
        }
        if (!adopt) {
            py.setenv("PYTHONHOME", installation.home().toString());
            IGNORED_ENVIRONMENT.forEach(py::unsetenv);
            initialize(py, installation);
        }
        // Initializing leaves this thread holding the GIL; an adopted interpreter has it released (every Serpentine
        // runtime releases it after starting and after each task), so it is taken like any caller's.
        int gil = adopt ? py.PyGILState_Ensure() : 0;
        long ns = 0;
        try {
            long mainName = CStrings.allocate(py, "__main__");
            try {
                ns = py.PyDict_Copy(py.PyModule_GetDict(py.PyImport_AddModule(mainName))); // new: owned
            } finally {
                CStrings.free(py, mainName);
            }
            if (ns == 0) throw new InterpreterUnavailableException("cannot create a namespace in " + installation.origin());
            this.namespace = ns;
            // `import json` silently falls back to pure Python when C extensions cannot see libpython's symbols.
            exec("import _json, sys\n"
                    + "import faulthandler\n"
                    + "if faulthandler.is_enabled(): faulthandler.disable()\n");
            String[] facts = evalString("'|'.join((sys.version, sys.abiflags, str(hasattr(sys, 'getobjects')),"
                    + " str(bool(__import__('sysconfig').get_config_var('Py_GIL_DISABLED'))), sys.base_prefix))")
                    .split("\\|", -1);
            this.version = PythonVersion.parse(facts[0]);
            this.flavour = new BuildFlavour(facts[1], Boolean.parseBoolean(facts[3]), Boolean.parseBoolean(facts[2]));
            if (adopt && !sameFile(Path.of(facts[4]), installation.home())) {
                throw new InterpreterUnavailableException("CPython " + version + " already runs in this process with"
                        + " home " + facts[4] + ", not " + installation.home() + " — cannot adopt it for "
                        + installation.origin());
            }
        } catch (RuntimeException | Error e) {
            py.Py_DecRef(ns);
            throw e;
        } finally {
            if (adopt) py.PyGILState_Release(gil);
            else py.PyEval_SaveThread(); // this thread's state stays the main thread state, detached
        }
    }

    /**
     * Loads and initializes {@code installation} through {@code py}, or returns the interpreter already running
     * from the same installation; adopts a CPython that this class did not start (a previous copy of it, before an
     * OSGi refresh) when it runs from the same libpython and home.
     *
     * @throws InterpreterUnavailableException when the installation is broken (checked before CPython is touched),
     *                                         the library does not load, CPython reports an error while initializing,
     *                                         or another interpreter already runs
     */
    public static synchronized RunningInterpreter start(CPythonBinding py, CPythonInstallation installation) {
        installation.checkStandardLibrary();
        if (started != null) {
            if (sameFile(started.installation.library(), installation.library())
                    && started.py.backendName().equals(py.backendName())) {
                return started;
            }
            throw new InterpreterUnavailableException("CPython " + started.version + " from " + started.installation.origin()
                    + " already runs in this process (backend " + started.py.backendName() + "); one interpreter per"
                    + " process, never re-initialized — cannot start " + installation.origin());
        }
        if (brokenBy != null) throw new InterpreterUnavailableException(brokenBy);
        checkStartupModules(installation);
        installation.checkLibraries();
        py.load(installation);
        // Loaded by path, the library is the very file a running CPython was loaded from (ld.so keeps one copy per
        // file), so an initialized one is the same libpython: adopt it.
        started = new RunningInterpreter(py, installation, py.Py_IsInitialized() != 0);
        return started;
    }

    /**
     * {@code Py_InitializeFromConfig} with Python's default configuration (environment variables honoured) but no
     * signal handlers. An error comes back as a {@code PyStatus}, where {@code Py_InitializeEx} would exit the JVM.
     */
    private static void initialize(CPythonBinding py, CPythonInstallation installation) {
        InterpreterInit init = py.interpreterInit();
        NativeMemory mem = py.memory();
        long config = init.calloc(PYCONFIG_ALLOCATION);
        long status = init.calloc(InterpreterInit.PYSTATUS_SIZE);
        try {
            if (config == 0 || status == 0) throw new OutOfMemoryError("calloc failed before initializing CPython");
            init.PyConfig_InitPythonConfig(config);
            mem.putInt(config + INSTALL_SIGNAL_HANDLERS, 0); // the JVM's signals stay the JVM's
            try {
                init.Py_InitializeFromConfig(config, status);
            } finally {
                init.PyConfig_Clear(config);
            }
            if (mem.getInt(status) != 0) throw initializationFailed(py, installation, status);
        } finally {
            init.free(config);
            init.free(status);
        }
    }

    /**
     * The failure a {@code PyStatus} reports. An error in the configuration (a bad {@code PYTHON*} variable) stops
     * CPython before it creates anything, so a later start can succeed; one past that point (codecs, {@code site})
     * leaves a half-initialized interpreter that can never be initialized again: this thread's state is released,
     * so that nothing waits for its GIL, and every later start is refused with the same message.
     */
    private static InterpreterUnavailableException initializationFailed(CPythonBinding py, CPythonInstallation installation,
                                                                        long status) {
        NativeMemory mem = py.memory();
        String function = CStrings.read(mem, mem.getLong(status + 8));
        String message = CStrings.read(mem, mem.getLong(status + 16));
        int type = mem.getInt(status);
        StringBuilder what = new StringBuilder("CPython ").append(installation.version().minorVersion()).append(" from ")
                .append(installation.origin()).append(" failed to initialize: ")
                .append(type == 2 ? "it asked to exit with status " + mem.getInt(status + 24) : message)
                .append(function == null ? "" : " (in " + function + ")");
        long threadState = py.interpreterInit().PyThreadState_GetUnchecked();
        if (threadState == 0 && py.Py_IsInitialized() == 0) {
            return new InterpreterUnavailableException(what + "; CPython was left uninitialized, so a start with a"
                    + " corrected setting can succeed");
        }
        String pending = "";
        if (threadState != 0) { // this thread holds the GIL
            if (py.PyErr_Occurred() != 0) pending = pendingError(py);
            py.PyEval_SaveThread();
        }
        brokenBy = what + pending + "; CPython stopped half-way and cannot be initialized again in this process";
        return new InterpreterUnavailableException(brokenBy);
    }

    /** {@code ": repr(exception)"} of the pending exception, cleared; the interpreter is only half up. */
    private static String pendingError(CPythonBinding py) {
        NativeMemory mem = py.memory();
        long slots = py.PyMem_RawCalloc(3, 8);
        if (slots == 0) return "";
        try {
            py.PyErr_Fetch(slots, slots + 8, slots + 16);
            long value = mem.getLong(slots + 8) != 0 ? mem.getLong(slots + 8) : mem.getLong(slots);
            long repr = value == 0 ? 0 : py.PyObject_Repr(value);
            py.PyErr_Clear();
            if (repr == 0) return "";
            try {
                long utf8 = py.PyUnicode_AsUTF8AndSize(repr, 0);
                py.PyErr_Clear();
                return utf8 == 0 ? "" : ": " + CStrings.read(mem, utf8);
            } finally {
                py.Py_DecRef(repr);
            }
        } finally {
            for (int i = 0; i < 3; i++) py.Py_DecRef(mem.getLong(slots + 8L * i));
            py.PyMem_RawFree(slots);
        }
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
     * The standard-library modules CPython's initialization imports from files (3.11+ has the others frozen in). One
     * missing fails it past the point of no return: refused before, the process can still start another CPython.
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
                        + installation.version().minorVersion() + " would fail half-way through its initialization");
            }
        }
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
