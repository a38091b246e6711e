package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Reaches bridge internals from the forked scenarios of the public test package. */
public final class InternalAccess {

    private InternalAccess() {
    }

    /** What an ABI bundle (re)appearing in OSGi does: select, verify against the live interpreter, bind. */
    public static void rebind(PythonRuntime runtime) {
        List<CPythonAbi> abis = new ArrayList<>();
        ServiceLoader.load(CPythonAbi.class, InternalAccess.class.getClassLoader()).forEach(abis::add);
        ((CPythonRuntime) runtime).rebind(abis);
    }

    /**
     * Installs {@code _reentry.again(n)}, a Java function that calls back into Python ({@code _reentry_r(n)}), so that
     * {@code _reentry_r(n)} nests n Python → Java → Python round trips on the calling thread.
     */
    public static void installReentry(PythonRuntime runtime) {
        runtime.call(python -> {
            CPythonBinding py = ((CPythonRuntime) runtime).interpreter().binding();
            long name = CStrings.allocate(py, "_reentry");
            long module = py.PyModule_New(name); // new
            NativeFunction.add(py, module, "_reentry", "again(n)\n--\n\nCalls _reentry_r(n) back from Java.",
                    Signature.of("again", List.of(), List.of("n"), 1), (p, a) -> {
                        long n;
                        try (PyRef r = p.borrowed(a[0])) {
                            n = (Long) p.toJava(r);
                        }
                        Object v = runtime.call(inner -> {
                            try (PyRef r = inner.eval("_reentry_r(" + n + ")")) {
                                return inner.toJava(r);
                            }
                        });
                        return p.toPython(v);
                    });
            NativeFunction.add(py, module, "_reentry", "overflow()\n--\n\nRecurses in Java until the stack overflows.",
                    Signature.none("overflow"), (p, a) -> p.toPython(javaRecursion(0)));
            py.PyDict_SetItemString(py.PyImport_GetModuleDict(), name, module);
            py.Py_DecRef(module);
            CStrings.free(py, name);
            python.exec("import _reentry\ndef _reentry_r(n):\n    return n if n == 0 else _reentry.again(n - 1)\n");
            return null;
        });
    }

    private static long javaRecursion(long n) {
        return javaRecursion(n + 1) + 1;
    }
}
