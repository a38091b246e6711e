package dev.serpentine.bridge;

import dev.serpentine.ffi.PythonException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Python module {@code serpentine}, its functions implemented in Java through upcalls. */
class SerpentineModuleTest {

    @Test
    void importsWithItsVersion() {
        assertEquals(System.getProperty("project.version", "0.1.0-SNAPSHOT"),
                Bridge.eval("__import__('serpentine').__version__"));
        assertEquals("serpentine", Bridge.eval("__import__('serpentine').abi_info.__module__"));
        assertEquals(Boolean.TRUE, Bridge.eval("__import__('serpentine') is __import__('sys').modules['serpentine']"));
    }

    @Test
    void abiInfoDescribesTheRuntime() {
        PythonRuntime rt = Bridge.RUNTIME;
        String expected = "{'interpreter': '" + rt.version() + "', 'build': '" + rt.flavour().layoutName()
                + "', 'abiflags': '" + rt.flavour().abiflags() + "', 'abi_bundle': '" + rt.abi().tag()
                + "', 'abi_bundle_version': '" + rt.abi().bundleVersion() + "', 'backend': '" + rt.backend() + "'}";
        assertEquals(expected, Bridge.eval("repr(__import__('serpentine').abi_info())"));
    }

    @Test
    void argumentsAreCheckedLikeCPythonDoes() {
        PythonException e = assertThrows(PythonException.class, () -> Bridge.eval("__import__('serpentine').abi_info(1)"));
        assertEquals("TypeError", e.pythonType());
        assertEquals("abi_info() takes no arguments (1 given)", e.pythonMessage());
        e = assertThrows(PythonException.class, () -> Bridge.eval("__import__('serpentine').abi_info(x=1)"));
        assertEquals("TypeError", e.pythonType());
        assertEquals("abi_info() takes no keyword arguments", e.pythonMessage());
    }

    @Test
    void worksFromThreadsPythonStarted() {
        Object result = Bridge.RUNTIME.call(python -> {
            python.exec("import threading, serpentine\n"
                    + "_results = []\n"
                    + "def _work():\n"
                    + "    for _ in range(50):\n"
                    + "        _results.append(serpentine.abi_info()['backend'])\n"
                    + "_threads = [threading.Thread(target=_work) for _ in range(4)]\n"
                    + "for t in _threads: t.start()\n"
                    + "for t in _threads: t.join()\n");
            try (PyRef r = python.eval("sorted(set(_results)), len(_results)")) {
                return python.repr(r);
            }
        });
        assertEquals("(['" + Bridge.RUNTIME.backend() + "'], 200)", result);
    }

    @Test
    void resultsAreNewReferencesThatDoNotLeak() {
        List<Long> counts = Bridge.RUNTIME.call(python -> {
            try (PyRef info = python.eval("__import__('serpentine').abi_info")) {
                long before = Bridge.refcount(python, info);
                for (int i = 0; i < 1000; i++) {
                    python.call(info).close();
                }
                return List.of(before, Bridge.refcount(python, info));
            }
        });
        assertEquals(counts.get(0), counts.get(1));
        assertTrue(Bridge.RUNTIME.liveHandles() >= 0);
    }
}
