package dev.serpentine.serializer;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.json.Json;
import dev.serpentine.bridge.json.JsonEncodeException;
import dev.serpentine.bridge.json.JsonOption;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Java entry ({@code Json.dumps}) routed to the serializer: bytes equal to serpentine.dumps, errors as exceptions. */
class JavaEntryTest {

    private static String dumps(String expression, int options) {
        return Runtime.RUNTIME.call(python -> {
            try (PyRef v = python.eval(expression)) {
                return new String(Json.dumps(python, v, options), StandardCharsets.UTF_8);
            }
        });
    }

    @Test
    void sameBytesAsPython() {
        String doc = "{'a': [1, 2.5, None, True, 'é😀'], 'b': {'c': (1,)}}";
        assertEquals(Runtime.eval("__import__('serpentine').dumps(" + doc + ").decode()"), dumps(doc, 0));
        int indentSorted = JsonOption.bits(EnumSet.of(JsonOption.INDENT_2, JsonOption.SORT_KEYS));
        assertEquals("{\n  \"a\": 1,\n  \"b\": 2\n}", dumps("{'b': 2, 'a': 1}", indentSorted));
        assertEquals(Runtime.eval("str(__import__('serpentine').OPT_APPEND_NEWLINE)"),
                String.valueOf(JsonOption.APPEND_NEWLINE.bit));
    }

    @Test
    void errorsAreJsonEncodeExceptions() {
        assertEquals("Integer exceeds 64-bit range",
                assertThrows(JsonEncodeException.class, () -> dumps("[2**64]", 0)).getMessage());
        assertEquals("Type is not JSON serializable: object",
                assertThrows(JsonEncodeException.class, () -> dumps("object()", 0)).getMessage());
        assertEquals("Invalid opts", assertThrows(JsonEncodeException.class, () -> dumps("1", 1 << 12)).getMessage());
    }

    @Test
    void referencesUnchanged() {
        Runtime.exec("import sys\n_ref_probe = ['x' * 30, {'é' * 3: [2**40]}]\n");
        Object before = Runtime.eval("f'{sys.getrefcount(_ref_probe)} {sys.getrefcount(_ref_probe[1])}'");
        for (int i = 0; i < 100; i++) dumps("_ref_probe", 0);
        assertThrows(JsonEncodeException.class, () -> dumps("[_ref_probe, 2**70]", 0));
        assertEquals(before, Runtime.eval("f'{sys.getrefcount(_ref_probe)} {sys.getrefcount(_ref_probe[1])}'"));
    }
}
