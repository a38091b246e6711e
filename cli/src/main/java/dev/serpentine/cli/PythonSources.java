package dev.serpentine.cli;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Python halves of the commands ({@code run.py}, {@code bench.py}), shipped as resources next to these classes
 * and loaded as modules of their own ({@code serpentine_cli_run}, …), never into {@code __main__}.
 */
final class PythonSources {

    private PythonSources() {
    }

    /** A function of {@code <resource>.py}, loading it into {@code sys.modules} the first time (GIL held). */
    static PyRef function(Python python, String resource, String name) {
        String key = "serpentine_cli_" + resource;
        try (PyRef loaded = python.eval("'" + key + "' in __import__('sys').modules")) {
            if (!Boolean.TRUE.equals(python.toJava(loaded))) {
                try (PyRef modules = python.eval("__import__('sys').modules");
                     PyRef types = python.importModule("types");
                     PyRef moduleType = python.getAttr(types, "ModuleType");
                     PyRef module = python.call(moduleType, key);
                     PyRef namespace = python.getAttr(module, "__dict__");
                     PyRef exec = python.eval("exec");
                     PyRef ran = python.call(exec, read(resource + ".py"), namespace);
                     PyRef setItem = python.getAttr(modules, "__setitem__");
                     PyRef set = python.call(setItem, key, module)) {
                    // the module is in sys.modules now
                }
            }
        }
        try (PyRef module = python.importModule(key)) {
            return python.getAttr(module, name);
        }
    }

    private static String read(String name) {
        try (InputStream in = PythonSources.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " is missing from the cli jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
