package dev.serpentine.bridge;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * That each execution runs where it says: the {@code modules-*} executions ({@code -Dserpentine.test.modules=true})
 * with Serpentine's jars as named modules on the module path and these tests patched into the bridge's module, the
 * others on the class path — and that a Python → Java upcall works there (on the module path, JNA reaches the upcall's
 * callback interface only through the backend's qualified export to {@code com.sun.jna}).
 */
class ModulePathTest {

    private static final boolean MODULES = Boolean.getBoolean("serpentine.test.modules");

    @Test
    void serpentineRunsOnThePathThisExecutionNames() {
        Module bridge = PythonRuntime.class.getModule();
        Module backend = Bridge.binding().getClass().getModule();
        if (MODULES) {
            assertEquals("dev.serpentine.bridge", bridge.getName());
            assertEquals(bridge, ModulePathTest.class.getModule(), "the tests are patched into the bridge's module");
            assertEquals("dev.serpentine.ffi." + Bridge.RUNTIME.backend(), backend.getName());
            assertTrue(PythonRuntime.class.getModule().getLayer() == ModuleLayer.boot());
        } else {
            assertFalse(bridge.isNamed(), "class path: " + bridge);
            assertFalse(backend.isNamed(), "class path: " + backend);
        }
    }

    @Test
    void theJnaBackendExportsItsPackageToJnaAlone() {
        Optional<Module> jnaBackend = ModuleLayer.boot().findModule("dev.serpentine.ffi.jna");
        if (!MODULES) {
            assertTrue(jnaBackend.isEmpty(), "class path");
            return;
        }
        Module backend = jnaBackend.orElseThrow(() -> new AssertionError("the JNA backend is on the module path"));
        Module jna = ModuleLayer.boot().findModule("com.sun.jna").orElseThrow();
        assertTrue(backend.isExported("dev.serpentine.ffi.jna", jna));
        assertFalse(backend.isExported("dev.serpentine.ffi.jna"), "exported to com.sun.jna only");
        assertFalse(backend.isExported("dev.serpentine.ffi.jna", PythonRuntime.class.getModule()));
    }

    @Test
    void anUpcallWorksOnThisPath() {
        assertEquals(Bridge.RUNTIME.backend(), Bridge.eval("__import__('serpentine').abi_info()['backend']"));
    }
}
