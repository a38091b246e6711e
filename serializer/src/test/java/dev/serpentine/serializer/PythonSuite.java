package dev.serpentine.serializer;

import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Runs a test script of {@code src/test/resources/python} inside the interpreter under test: one JUnit test per
 * {@code test_*} function, failing with the Python traceback.
 */
final class PythonSuite {

    private PythonSuite() {
    }

    static List<DynamicTest> of(String script) {
        String code;
        try (InputStream in = PythonSuite.class.getResourceAsStream("/python/" + script)) {
            code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String ns = "_suite_" + script.replace('.', '_');
        Runtime.exec("import types as _types, traceback as _traceback, unittest as _unittest\n"
                + ns + " = _types.ModuleType('" + ns + "')\n"
                + "exec(compile(" + pythonString(code) + ", '" + script + "', 'exec'), " + ns + ".__dict__)\n"
                + "def _run_test(f):\n"
                + "    try:\n"
                + "        f()\n"
                + "    except _unittest.SkipTest as e:\n"
                + "        return 'SKIP ' + str(e)\n"
                + "    except BaseException:\n"
                + "        return _traceback.format_exc()\n"
                + "    return ''\n");
        String names = (String) Runtime.eval(
                "' '.join(n for n in vars(" + ns + ") if n.startswith('test_') and callable(getattr(" + ns + ", n)))");
        return java.util.Arrays.stream(names.split(" "))
                .map(n -> DynamicTest.dynamicTest(n, () -> {
                    String failure = (String) Runtime.eval("_run_test(" + ns + "." + n + ")");
                    assumeFalse(failure.startsWith("SKIP "), failure); // reported as skipped, with the reason
                    assertEquals("", failure, n);
                }))
                .collect(Collectors.toList());
    }

    /** A Python string literal of {@code s}. */
    static String pythonString(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().forEach(c -> {
            if (c == '\\' || c == '\'') b.append('\\').append((char) c);
            else if (c == '\n') b.append("\\n");
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\U%08x", c));
            else b.append((char) c);
        });
        return b.append('\'').toString();
    }
}
