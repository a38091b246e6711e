package dev.serpentine.serializer;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import dev.serpentine.bridge.json.Json;
import dev.serpentine.bridge.json.JsonBufferTooSmallException;
import dev.serpentine.bridge.json.JsonEncodeException;
import dev.serpentine.bridge.json.JsonOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    @Test
    void intoHeapAndDirectBuffers() {
        String doc = "{'k': ['é' * 40, 1.5, [None] * 30]}";
        String expected = dumps(doc, 0);
        byte[] bytes = expected.getBytes(StandardCharsets.UTF_8);
        for (ByteBuffer out : List.of(ByteBuffer.allocate(bytes.length + 10), ByteBuffer.allocateDirect(bytes.length + 3))) {
            out.position(3);
            int n = Runtime.RUNTIME.call(python -> {
                try (PyRef v = python.eval(doc)) {
                    return Json.dumps(python, v, EnumSet.noneOf(JsonOption.class), out);
                }
            });
            assertEquals(bytes.length, n);
            assertEquals(3 + n, out.position());
            byte[] written = new byte[n];
            out.get(3, written);
            assertArrayEquals(bytes, written);
        }
    }

    @Test
    void aBufferTooSmallIsRefusedUntouched() {
        ByteBuffer out = ByteBuffer.allocate(16);
        out.position(2);
        JsonBufferTooSmallException e = assertThrows(JsonBufferTooSmallException.class, () ->
                Runtime.RUNTIME.call(python -> {
                    try (PyRef v = python.eval("list(range(20))")) {
                        return Json.dumps(python, v, EnumSet.of(JsonOption.APPEND_NEWLINE), out);
                    }
                }));
        assertEquals(52, e.required()); // "[0,1,…,19]" and the newline
        assertEquals(14, e.remaining());
        assertEquals("the JSON text is 52 bytes but the buffer has 14 bytes remaining", e.getMessage());
        assertEquals(2, out.position());
        assertArrayEquals(new byte[16], out.array());
        assertThrows(ReadOnlyBufferException.class, () -> Runtime.RUNTIME.call(python -> {
            try (PyRef v = python.eval("1")) {
                return Json.dumps(python, v, EnumSet.noneOf(JsonOption.class), ByteBuffer.allocate(8).asReadOnlyBuffer());
            }
        }));
    }

    @Test
    void aPythonBytesHandle() {
        Runtime.exec("_big_doc = {str(i): ['x' * 50, i, {'f': i / 3}] for i in range(3000)}\n");
        for (String doc : List.of("_big_doc", "{'b': 2, 'a': [1, 'é']}")) {
            Object same = Runtime.RUNTIME.call(python -> {
                try (PyRef v = python.eval(doc);
                     PyRef bytes = Json.dumpsToBytes(python, v, EnumSet.of(JsonOption.SORT_KEYS));
                     PyRef check = python.eval("lambda b, v: type(b) is bytes and b == __import__('serpentine')"
                             + ".dumps(v, option=__import__('serpentine').OPT_SORT_KEYS)");
                     PyRef r = python.call(check, bytes, v)) {
                    return python.toJava(r);
                }
            });
            assertEquals(Boolean.TRUE, same, doc);
        }
        assertEquals("Recursion limit reached", assertThrows(JsonEncodeException.class, () ->
                Runtime.RUNTIME.call(python -> {
                    try (PyRef v = python.eval("(lambda l: (l.append(l), l)[1])([])")) {
                        return Json.dumpsToBytes(python, v, EnumSet.noneOf(JsonOption.class));
                    }
                })).getMessage());
    }

    @Test
    void aTokenKeptPastItsTaskIsRefusedBeforeTheCodecRuns() {
        Python[] kept = new Python[1];
        PyRef value = Runtime.RUNTIME.call(python -> {
            kept[0] = python;
            return python.eval("{'a': [1, 2]}");
        });
        try {
            for (Executable misuse : List.<Executable>of(
                    () -> Json.dumps(kept[0], value, 0),
                    () -> Json.dumps(kept[0], value, EnumSet.noneOf(JsonOption.class), ByteBuffer.allocate(64)),
                    () -> Json.dumpsToBytes(kept[0], value, EnumSet.noneOf(JsonOption.class)),
                    () -> Json.loads(kept[0], new byte[] {'1'}))) {
                assertEquals("this Python token is only valid inside its GIL task, on the thread running it",
                        assertThrows(IllegalStateException.class, misuse).getMessage());
            }
            assertEquals("{\"a\":[1,2]}", Runtime.RUNTIME.call(python ->
                    new String(Json.dumps(python, value, 0), StandardCharsets.UTF_8)));
        } finally {
            value.close();
        }
    }
}
