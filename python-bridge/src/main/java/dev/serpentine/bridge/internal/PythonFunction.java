package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.spi.FastcallFunction;
import dev.serpentine.bridge.spi.OneArgFunction;
import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.PyCFunctionFastTarget;
import dev.serpentine.ffi.binding.PyCFunctionOTarget;

/**
 * A Python builtin function implemented in Java: a {@code PyMethodDef} ({@code METH_FASTCALL | METH_KEYWORDS} or
 * {@code METH_O}) whose C function is an upcall stub into this object, and the function object made from it. The
 * method definition, its strings, the stub and the function object live as long as the process (Python code can
 * hold the function). The body is replaceable: a codec bundle replaced at runtime gives the same function a new
 * body, and a caller never sees it missing.
 *
 * <p>The upcall path allocates nothing: the caller holds the GIL already, so there is no {@code PyGILState_Ensure}
 * and no scope object, only this thread's GIL-scope count (for nested {@code runtime.call} and the nesting limit).
 * Whatever the body throws is raised as the matching Python exception — nothing unwinds through C frames.
 */
final class PythonFunction implements PyCFunctionFastTarget, PyCFunctionOTarget {

    private static final int METH_KEYWORDS = 0x2;
    private static final int METH_O = 0x8;
    private static final int METH_FASTCALL = 0x80;
    private static final int METHOD_DEF_SIZE = 32; // {ml_name, ml_meth, ml_flags (+pad), ml_doc}

    private final CPythonBinding py;
    private final String qualifiedName;
    private final String doc;
    /** The arguments the platform checks before the body runs; null when the body parses them itself. */
    private final Signature signature;
    private final boolean oneArg;
    private volatile FastcallFunction fastcallBody;
    private volatile OneArgFunction oneArgBody;
    private long function;

    private PythonFunction(CPythonBinding py, String qualifiedName, String doc, Signature signature, boolean oneArg) {
        this.py = py;
        this.qualifiedName = qualifiedName;
        this.doc = doc;
        this.signature = signature == null ? null : signature.reading(py.memory());
        this.oneArg = oneArg;
    }

    /**
     * A {@code METH_FASTCALL | METH_KEYWORDS} function {@code moduleName.name} (GIL held). {@code doc} starts with
     * {@code name(signature)\n--\n\n}, which CPython turns into {@code __text_signature__}.
     */
    static PythonFunction fastcall(CPythonBinding py, String moduleName, String name, String doc, Signature checked,
                                   FastcallFunction body) {
        PythonFunction f = new PythonFunction(py, moduleName + "." + name, doc, checked, false);
        f.fastcallBody = body;
        f.create(name, moduleName, py.upcallStubFastcall(f), METH_FASTCALL | METH_KEYWORDS);
        return f;
    }

    /** A {@code METH_O} function {@code moduleName.name} (GIL held); {@code doc} as for {@link #fastcall}. */
    static PythonFunction oneArg(CPythonBinding py, String moduleName, String name, String doc, OneArgFunction body) {
        PythonFunction f = new PythonFunction(py, moduleName + "." + name, doc, null, true);
        f.oneArgBody = body;
        f.create(name, moduleName, py.upcallStubO(f), METH_O);
        return f;
    }

    private void create(String name, String moduleName, long stub, int flags) {
        NativeMemory mem = py.memory();
        long def = py.PyMem_RawCalloc(1, METHOD_DEF_SIZE);
        if (def == 0) throw new OutOfMemoryError("PyMem_RawCalloc failed for a PyMethodDef");
        mem.putLong(def, CStrings.allocate(py, name));
        mem.putLong(def + 8, stub);
        mem.putInt(def + 16, flags);
        mem.putLong(def + 24, CStrings.allocate(py, doc));
        long modName = CStrings.call(py, moduleName, c -> py.PyUnicode_FromStringAndSize(c, py.memory().strlen(c)));
        try {
            function = modName == 0 ? 0 : py.PyCFunction_NewEx(def, 0, modName); // new, never dropped
            if (function == 0) {
                py.PyErr_Clear();
                throw new IllegalStateException("cannot create the function " + qualifiedName);
            }
        } finally {
            py.Py_DecRef(modName);
        }
    }

    /** Sets {@code module.<name>} to this function (GIL held). */
    void setIn(long module, String name) {
        if (CStrings.call(py, name, c -> py.PyObject_SetAttrString(module, c, function)) != 0) {
            py.PyErr_Clear();
            throw new IllegalStateException("cannot set " + qualifiedName);
        }
    }

    /** Whether a new body with this shape can take this function's place (same kind, doc and signature). */
    boolean hasShape(boolean oneArg, String doc) {
        return this.oneArg == oneArg && this.doc.equals(doc);
    }

    Object body() {
        return oneArg ? oneArgBody : fastcallBody;
    }

    /** Gives the function a new body (null: it raises {@code RuntimeError} when called). */
    void setBody(Object body) {
        if (oneArg) oneArgBody = (OneArgFunction) body;
        else fastcallBody = (FastcallFunction) body;
    }

    @Override
    public long call(long self, long args, long nargs, long kwnames) {
        int[] scopes = CPythonRuntime.enterUpcallScope();
        if (scopes == null) return ExceptionMapping.raise(py, CPythonRuntime.tooDeep());
        try {
            FastcallFunction body = fastcallBody;
            if (body == null) return gone();
            if (signature != null) signature.check(args, nargs, kwnames);
            return body.call(args, nargs, kwnames);
        } catch (Throwable t) {
            return ExceptionMapping.raise(py, t);
        } finally {
            scopes[0]--;
        }
    }

    @Override
    public long call(long self, long arg) {
        int[] scopes = CPythonRuntime.enterUpcallScope();
        if (scopes == null) return ExceptionMapping.raise(py, CPythonRuntime.tooDeep());
        try {
            OneArgFunction body = oneArgBody;
            if (body == null) return gone();
            return body.call(arg);
        } catch (Throwable t) {
            return ExceptionMapping.raise(py, t);
        } finally {
            scopes[0]--;
        }
    }

    private long gone() {
        return ExceptionMapping.raise(py, new PythonException("RuntimeError", qualifiedName
                + " is not provided any more: the bundle that registered it has stopped", ""));
    }
}
