package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.Bridge;
import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import dev.serpentine.ffi.binding.CPythonBinding;

import java.lang.reflect.Field;
import java.util.Collection;

/** The runtime of this test JVM seen from inside the bridge (the same instance the public tests use). */
final class TestRuntime {

    static final CPythonRuntime RT = (CPythonRuntime) Bridge.RUNTIME;

    private TestRuntime() {
    }

    static CPythonBinding binding() {
        return Bridge.binding();
    }

    static long refcount(Python python, PyRef o) {
        return Bridge.refcount(python, o);
    }

    static long refcount(PyRef o) {
        return RT.call(python -> Bridge.refcount(python, o));
    }

    static Object eval(String expression) {
        return Bridge.eval(expression);
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
