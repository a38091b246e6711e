package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.RunningInterpreter;

import java.lang.reflect.Field;
import java.util.Collection;

/** The runtime of this test JVM seen from inside the bridge (the same instance the public tests use). */
final class TestRuntime {

    static final CPythonRuntime RT = (CPythonRuntime) PythonRuntime.builder()
            .interpreter(System.getProperty("serpentine.test.python", ""))
            .backend(System.getProperty("serpentine.backend", ""))
            .start();

    private TestRuntime() {
    }

    static CPythonBinding binding() {
        return RunningInterpreter.current().binding();
    }

    /** {@code sys.getrefcount(o)} minus the reference the call itself adds. */
    static long refcount(Python python, PyRef o) {
        try (PyRef sys = python.importModule("sys"); PyRef getrefcount = python.getAttr(sys, "getrefcount");
             PyRef n = python.call(getrefcount, o)) {
            return (Long) python.toJava(n) - 1;
        }
    }

    static long refcount(PyRef o) {
        return RT.call(python -> refcount(python, o));
    }

    static Object eval(String expression) {
        return RT.call(python -> {
            try (PyRef r = python.eval(expression)) {
                return python.toJava(r);
            }
        });
    }

    /** The addresses waiting for a decref at the next GIL entry. */
    @SuppressWarnings("unchecked")
    static Collection<Long> pendingDecrefs() {
        try {
            Field f = References.class.getDeclaredField("pending");
            f.setAccessible(true);
            return (Collection<Long>) f.get(RT.references());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
