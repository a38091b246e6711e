package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.RunningInterpreter;
import dev.serpentine.ffi.view.CPythonViews;
import dev.serpentine.ffi.view.PyTypeView;
import dev.serpentine.ffi.view.PyTypes;

import java.lang.ref.Reference;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The GIL held by one thread for one task: {@link Python}'s operations, each checking that it runs inside its scope
 * on its thread. Every C-API call site says whether it gets a new or a borrowed reference.
 */
final class PythonScope implements Python {

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private final CPythonRuntime runtime;
    private final RunningInterpreter in;
    private final CPythonBinding py;
    private final NativeMemory mem;
    private final CPythonViews views;
    private final References refs;
    private final Thread owner;
    /** Set false when the scope ends (written directly by the GIL release path, which must not call). */
    boolean open = true;

    PythonScope(CPythonRuntime runtime) {
        this.runtime = runtime;
        this.in = runtime.interpreter();
        this.py = in.binding();
        this.mem = py.memory();
        this.views = runtime.views();
        this.refs = runtime.references();
        this.owner = Thread.currentThread();
    }

    void close() {
        open = false;
    }

    /**
     * Refuses a token that is not live on this thread, before code that calls the C-API without one of this class's
     * checked methods (a codec through the {@code Json} facade) could run without the GIL.
     */
    static void checkLive(Python python) {
        if (!(python instanceof PythonScope)) throw new IllegalArgumentException("not a Python token of this runtime: " + python);
        ((PythonScope) python).check();
    }

    private void check() {
        if (!open || Thread.currentThread() != owner) {
            throw new IllegalStateException("this Python token is only valid inside its GIL task, on the thread running it");
        }
    }

    /** A new reference from a C-API call, or the pending Python error as an exception. */
    private PyRef owned(long newReference, String what) {
        if (newReference == 0) throw in.error(what);
        return refs.adopt(newReference);
    }

    @Override
    public PyRef eval(String expression) {
        check();
        return owned(run(expression, CPythonBinding.Py_eval_input), "evaluating Python code");
    }

    @Override
    public void exec(String code) {
        check();
        long r = run(code, CPythonBinding.Py_file_input);
        if (r == 0) throw in.error("running Python code");
        py.Py_DecRef(r);
    }

    private long run(String code, int start) {
        if (!CStrings.isExact(code)) return runAsStr(code, start);
        long c = CStrings.allocate(py, code);
        try {
            long globals = runtime.mainDict(); // borrowed: __main__ lives as long as the interpreter
            return py.PyRun_StringFlags(c, start, globals, globals, 0); // new
        } finally {
            CStrings.free(py, c);
        }
    }

    /**
     * Source a C string cannot carry (a NUL, a lone surrogate) goes to Python as a str, so Python refuses it in its
     * own words and types, per version: {@code eval(compile(code, "<string>", mode), main, main)}.
     */
    private long runAsStr(String code, int start) {
        PyRef main = refs.borrow(runtime.mainDict());
        try (main; PyRef builtins = importModule("builtins"); PyRef compile = getAttr(builtins, "compile");
             PyRef eval = getAttr(builtins, "eval");
             PyRef compiled = call(compile, code, "<string>", start == CPythonBinding.Py_eval_input ? "eval" : "exec")) {
            return call(eval, compiled, main, main).detach();
        }
    }

    /** {@code builtins.<function>(args…)}: for names a C string cannot carry, which Python takes as any str. */
    private PyRef callBuiltin(String module, String function, Object... args) {
        try (PyRef m = importModule(module); PyRef f = getAttr(m, function)) {
            return call(f, args);
        }
    }

    @Override
    public PyRef importModule(String name) {
        check();
        if (!CStrings.isExact(name)) return callBuiltin("importlib", "import_module", name);
        long c = CStrings.allocate(py, name);
        try {
            return owned(py.PyImport_ImportModule(c), "import " + name); // new
        } finally {
            CStrings.free(py, c);
        }
    }

    @Override
    public PyRef getAttr(PyRef object, String name) {
        check();
        if (!CStrings.isExact(name)) return callBuiltin("builtins", "getattr", object, name);
        long c = CStrings.allocate(py, name);
        try {
            return owned(py.PyObject_GetAttrString(object.address(), c), "getattr " + name); // new
        } finally {
            CStrings.free(py, c);
        }
    }

    @Override
    public void setAttr(PyRef object, String name, Object value) {
        check();
        if (!CStrings.isExact(name)) {
            callBuiltin("builtins", "setattr", object, name, value).close();
            return;
        }
        try (PyRef v = toPython(value)) {
            long c = CStrings.allocate(py, name);
            try {
                if (py.PyObject_SetAttrString(object.address(), c, v.address()) != 0) throw in.error("setattr " + name);
            } finally {
                CStrings.free(py, c);
            }
        }
    }

    @Override
    public PyRef call(PyRef callable, Object... args) {
        return call(callable, Arrays.asList(args), Map.of());
    }

    @Override
    public PyRef call(PyRef callable, List<?> args, Map<String, ?> kwargs) {
        check();
        long tuple = py.PyTuple_New(args.size()); // new
        if (tuple == 0) throw in.error("PyTuple_New");
        long dict = 0;
        try {
            for (int i = 0; i < args.size(); i++) {
                py.PyTuple_SetItem(tuple, i, toPython(args.get(i)).detach()); // steals
            }
            if (!kwargs.isEmpty()) {
                dict = py.PyDict_New(); // new
                if (dict == 0) throw in.error("PyDict_New");
                for (Map.Entry<String, ?> e : kwargs.entrySet()) {
                    try (PyRef k = toPython(e.getKey()); PyRef v = toPython(e.getValue())) {
                        if (py.PyDict_SetItem(dict, k.address(), v.address()) != 0) throw in.error("building kwargs");
                    }
                }
            }
            long result = py.PyObject_Call(callable.address(), tuple, dict); // new
            // typeName runs Python code: only when no exception is pending (a failure that set none)
            if (result == 0 && py.PyErr_Occurred() == 0) throw in.error("calling " + typeName(callable));
            return owned(result, "calling");
        } finally {
            py.Py_DecRef(dict);
            py.Py_DecRef(tuple);
            // The handle must outlive the call: its Cleaner could otherwise queue a decref that a nested GIL
            // entry (an upcall) drains while the object still runs.
            Reference.reachabilityFence(callable);
        }
    }

    @Override
    public PyRef toPython(Object value) {
        check();
        PyTypes t = views.types();
        if (value == null) return refs.borrow(t.none);
        if (value instanceof PyRef ref) return refs.borrow(ref.address());
        if (value instanceof Boolean b) return refs.borrow(b ? t.trueObject : t.falseObject);
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return owned(py.PyLong_FromLongLong(((Number) value).longValue()), "int"); // new
        }
        if (value instanceof BigInteger big) return bigInt(big);
        if (value instanceof Double || value instanceof Float) {
            return owned(py.PyFloat_FromDouble(((Number) value).doubleValue()), "float"); // new
        }
        if (value instanceof String s) return str(s);
        if (value instanceof Character c) return str(String.valueOf(c));
        if (value instanceof byte[] b) return bytes(b);
        throw new IllegalArgumentException("cannot convert a Java " + value.getClass().getName() + " to Python"
                + " (supported: null, Boolean, Byte…Long, BigInteger, Float, Double, String, Character, byte[], PyRef)");
    }

    private PyRef bigInt(BigInteger big) {
        if (big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0) {
            return owned(py.PyLong_FromLongLong(big.longValue()), "int");
        }
        long c = CStrings.allocate(py, hex(big)); // a power-of-two base: CPython parses it in linear time
        try {
            return owned(py.PyLong_FromString(c, 0, 16), "int"); // new
        } finally {
            CStrings.free(py, c);
        }
    }

    /**
     * The value in base 16, in linear time from its bytes ({@code BigInteger.toString} divides: superlinear).
     */
    private static String hex(BigInteger big) {
        byte[] magnitude = big.abs().toByteArray();
        StringBuilder sb = new StringBuilder(2 * magnitude.length + 1);
        if (big.signum() < 0) sb.append('-');
        for (byte b : magnitude) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** A str with exactly the string's code points, lone surrogates included (UTF-8 cannot carry those). */
    private PyRef str(String s) {
        int[] cps = s.codePoints().toArray();
        long buf = py.PyMem_RawMalloc(Math.max(4L * cps.length, 4));
        if (buf == 0) throw new OutOfMemoryError("PyMem_RawMalloc failed for a str of " + cps.length + " code points");
        try {
            for (int i = 0; i < cps.length; i++) mem.putInt(buf + 4L * i, cps[i]);
            return owned(py.PyUnicode_FromKindAndData(4, buf, cps.length), "str"); // new, canonical kind
        } finally {
            py.PyMem_RawFree(buf);
        }
    }

    private PyRef bytes(byte[] b) {
        PyRef r = owned(py.PyBytes_FromStringAndSize(0, b.length), "bytes"); // new, filled before it escapes
        if (b.length > 0) mem.copyFromArray(b, 0, views.bytes().data(r.address()), b.length);
        return r;
    }

    @Override
    public Object toJava(PyRef object) {
        check();
        long o = object.address();
        PyTypes t = views.types();
        if (o == t.none) return null;
        if (o == t.trueObject) return Boolean.TRUE;
        if (o == t.falseObject) return Boolean.FALSE;
        var ints = views.integer();
        long type = views.object().type(o);
        long flags = views.type().flags(type);
        if (type == t.longType || (flags & PyTypeView.Py_TPFLAGS_LONG_SUBCLASS) != 0) { // bool was handled above
            return ints.fitsInLong(o) ? (Object) ints.longValue(o) : ints.bigValue(o);
        }
        if (type == t.floatType || py.PyType_IsSubtype(type, t.floatType) != 0) return views.floating().value(o);
        if (type == t.strType || (flags & PyTypeView.Py_TPFLAGS_UNICODE_SUBCLASS) != 0) {
            return text(o); // a not-ready str of 3.9–3.11 goes through UTF-8: CPython makes it ready
        }
        if ((flags & PyTypeView.Py_TPFLAGS_BYTES_SUBCLASS) != 0) {
            return views.bytes().toArray(o);
        }
        throw new IllegalArgumentException("cannot convert a Python '" + typeName(object) + "' to a Java value"
                + " (supported: None, bool, int, float, str, bytes)");
    }

    @Override
    public String str(PyRef object) {
        check();
        try (PyRef s = owned(py.PyObject_Str(object.address()), "str()")) { // new
            return text(s.address());
        }
    }

    @Override
    public String repr(PyRef object) {
        check();
        try (PyRef s = owned(py.PyObject_Repr(object.address()), "repr()")) { // new
            return text(s.address());
        }
    }

    /** A str's code points as Java text, lone surrogates included (UTF-8, which cannot carry them, only when not ready). */
    private String text(long str) {
        var strs = views.str();
        return strs.isReady(str) ? strs.toJavaString(str) : in.utf8(str);
    }

    @Override
    public String typeName(PyRef object) {
        check();
        try (PyRef type = owned(py.PyObject_Type(object.address()), "type()");
             PyRef module = getAttr(type, "__module__");
             PyRef qualname = getAttr(type, "__qualname__")) {
            String m = in.utf8(module.address());
            String q = in.utf8(qualname.address());
            return m.equals("builtins") ? q : m + "." + q;
        }
    }

    /** A handle owning a new reference (a codec's result). */
    PyRef adopt(long newReference) {
        check();
        return refs.adopt(newReference);
    }

    /** A new handle on a borrowed reference (C-API results documented as borrowed). */
    PyRef borrowed(long address) {
        check();
        return refs.borrow(address);
    }

    /** A new {@code dict} of converted values, in the map's order. */
    PyRef dict(Map<String, ?> values) {
        check();
        PyRef d = owned(py.PyDict_New(), "dict"); // new
        for (Map.Entry<String, ?> e : values.entrySet()) {
            try (PyRef k = toPython(e.getKey()); PyRef v = toPython(e.getValue())) {
                if (py.PyDict_SetItem(d.address(), k.address(), v.address()) != 0) {
                    d.close();
                    throw in.error("building a dict");
                }
            }
        }
        return d;
    }

    @Override
    public PyRef share(PyRef object) {
        check();
        return refs.borrow(object.address());
    }
}
