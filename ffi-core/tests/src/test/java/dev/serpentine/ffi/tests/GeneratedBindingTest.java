package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CFunction;
import dev.serpentine.ffi.binding.CPythonBinding;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backends' C functions come from one declaration: every {@code @CFunction} method of {@link CPythonBinding} is
 * implemented by the generated class ({@code FfmCApi}/{@code JnaCApi}) and by nothing hand-written, with its own
 * {@code static final} downcall handle (FFM) or {@code native} method (JNA); every other method is hand-written in
 * the backend; and the running libpython exports every declared function.
 */
class GeneratedBindingTest {

    static Stream<Arguments> backends() {
        return Backends.available(GeneratedBindingTest.class.getClassLoader()).stream()
                .map(b -> Arguments.of(Named.of(b.backendName(), b)));
    }

    private static List<Method> interfaceMethods(boolean cFunction) {
        List<Method> methods = new ArrayList<>();
        for (Method m : CPythonBinding.class.getDeclaredMethods()) {
            if (Modifier.isAbstract(m.getModifiers()) && m.isAnnotationPresent(CFunction.class) == cFunction) {
                methods.add(m);
            }
        }
        return methods;
    }

    /** The C function a {@code @CFunction} method calls: its own name, or its {@code symbol} for a twin. */
    private static String symbol(Method m) {
        String symbol = m.getAnnotation(CFunction.class).symbol();
        return symbol.isEmpty() ? m.getName() : symbol;
    }

    @Test
    void aTwinHasItsFunctionsSignature() {
        for (Method twin : interfaceMethods(true)) {
            if (symbol(twin).equals(twin.getName())) continue;
            Method base = interfaceMethods(true).stream().filter(m -> m.getName().equals(symbol(twin))).findFirst()
                    .orElseThrow(() -> new AssertionError(twin.getName() + ": " + symbol(twin) + " is not declared"));
            assertEquals(Arrays.asList(base.getParameterTypes()), Arrays.asList(twin.getParameterTypes()), twin.getName());
            assertEquals(base.getReturnType(), twin.getReturnType(), twin.getName());
        }
    }

    /** A method declared by {@code type} itself (not inherited), excluding compiler-made bridges; or null. */
    private static Method declared(Class<?> type, Method like) {
        try {
            Method m = type.getDeclaredMethod(like.getName(), like.getParameterTypes());
            return m.isSynthetic() || m.isBridge() ? null : m;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    @Test
    void theInterfaceDeclaresTheCFunctionsIncludingTheCodecOnes() {
        List<String> names = interfaceMethods(true).stream().map(Method::getName).toList();
        for (String required : List.of("PyUnicode_New", "_PyBytes_Resize", "_PyDict_NewPresized", "PyErr_SetObject",
                "PyException_SetCause", "PyCapsule_Import", "Py_EnterRecursiveCall", "Py_LeaveRecursiveCall",
                "PyDict_Next", "PyBytes_FromStringAndSize", "PyLong_FromLongLong")) {
            assertTrue(names.contains(required), required + " is not a @CFunction of CPythonBinding");
        }
        assertTrue(interfaceMethods(false).stream().map(Method::getName).toList()
                .containsAll(List.of("load", "symbol", "memory", "setenv", "processSymbol", "upcallStub")));
    }

    /** The process's global scope holds libc and the JVM, and libjsig's symbol exactly when it is preloaded. */
    @ParameterizedTest
    @MethodSource("backends")
    void processSymbolSearchesTheGlobalScope(CPythonBinding backend) {
        assertNotEquals(0L, backend.processSymbol("dlsym"));
        assertNotEquals(0L, backend.processSymbol("JNI_CreateJavaVM"));
        boolean libjsig = String.valueOf(System.getenv("LD_PRELOAD")).contains("libjsig");
        assertEquals(libjsig, backend.processSymbol("JVM_get_signal_action") != 0);
        assertEquals(0L, backend.processSymbol("serpentine_no_such_symbol"));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void everyCFunctionIsGeneratedAndNoneIsWrittenByHand(CPythonBinding backend) throws Exception {
        Class<?> hand = backend.getClass();
        Class<?> generated = hand.getSuperclass();
        String prefix = backend.backendName().equals("ffm") ? "Ffm" : "Jna";
        assertEquals(hand.getPackageName() + "." + prefix + "CApi", generated.getName());
        assertTrue(Modifier.isAbstract(generated.getModifiers()));
        List<Method> cFunctions = interfaceMethods(true);
        for (Method m : cFunctions) {
            Method impl = declared(generated, m);
            assertTrue(impl != null && !Modifier.isAbstract(impl.getModifiers()), m.getName() + " is not generated");
            assertEquals(null, declared(hand, m), m.getName() + " is written by hand as well as generated");
        }
        for (Method m : interfaceMethods(false)) {
            Method impl = declared(hand, m);
            assertTrue(impl != null && !Modifier.isAbstract(impl.getModifiers()),
                    m.getName() + " (no @CFunction) is not written by hand in " + hand.getSimpleName());
            assertEquals(null, declared(generated, m), m.getName() + " has no @CFunction but was generated");
        }
        // The generated class carries exactly the interface's C functions, nothing else.
        long publicMethods = Arrays.stream(generated.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()).count();
        assertEquals(cFunctions.size(), publicMethods);

        ClassLoader loader = hand.getClassLoader();
        if (prefix.equals("Ffm")) {
            Class<?> handles = Class.forName(generated.getName() + "$H", false, loader);
            for (Method m : cFunctions) {
                Field f = handles.getDeclaredField(m.getName());
                int mod = f.getModifiers();
                assertTrue(Modifier.isStatic(mod) && Modifier.isFinal(mod), m.getName() + ": not a static final handle");
                assertEquals(MethodHandle.class, f.getType());
            }
            assertEquals(cFunctions.size(), handles.getDeclaredFields().length);
        } else {
            // One native per C function: a twin calls its function's native.
            Class<?> natives = Class.forName(generated.getName() + "$LibPython", false, loader);
            for (Method m : cFunctions) {
                Method n = natives.getDeclaredMethod(symbol(m), m.getParameterTypes());
                assertTrue(Modifier.isNative(n.getModifiers()) && Modifier.isStatic(n.getModifiers()), m.getName());
                assertEquals(m.getReturnType(), n.getReturnType(), m.getName());
            }
            assertEquals(cFunctions.stream().map(GeneratedBindingTest::symbol).distinct().count(),
                    natives.getDeclaredMethods().length);
        }
    }

    @Test
    void theRunningLibpythonExportsEveryDeclaredFunction() {
        for (Method m : interfaceMethods(true)) {
            assertNotEquals(0L, Live.PY.symbol(symbol(m)), symbol(m) + " is not exported by CPython "
                    + Live.INTERPRETER.version());
        }
    }

    @Test
    void onlyLeafFunctionsAreCritical() {
        // The reviewed list: each one's reason is written next to its declaration. A new critical function must be
        // argued there and added here; GC-allocating, freeing, error-raising or Python-calling functions never are,
        // except as a twin whose callers guarantee a leaf call (the *Leaf twins, argued on their declarations).
        List<String> critical = interfaceMethods(true).stream()
                .filter(m -> m.getAnnotation(CFunction.class).critical()).map(Method::getName).sorted().toList();
        assertEquals(List.of("PyBool_FromLong", "PyBuffer_GetPointer", "PyBuffer_IsContiguous", "PyDict_Next",
                "PyDict_SetItemLeaf", "PyErr_Occurred", "PyFloat_FromDouble", "PyGILState_Check",
                "PyGILState_GetThisThreadState", "PyLong_FromLongLong", "PyLong_FromUnsignedLongLong", "PyType_GetFlags",
                "PyType_IsSubtype", "PyUnicode_New", "Py_DecRefLeaf", "Py_GetRecursionLimit", "Py_IncRef",
                "Py_LeaveRecursiveCall"), critical);
        for (String never : List.of("PyList_New", "PyTuple_New", "PyDict_New", "_PyDict_NewPresized", "Py_DecRef",
                "PyDict_SetItem", "PyGILState_Ensure", "PyEval_RestoreThread", "PyException_SetCause", "Py_EnterRecursiveCall")) {
            assertFalse(critical.contains(never), never);
        }
    }
}
