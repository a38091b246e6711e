package dev.serpentine.deserializer;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.json.Json;
import dev.serpentine.bridge.json.JsonDecodeException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each grammar rule, valid and invalid, through every input: bytes, bytearray, memoryview (contiguous, a slice,
 * non-contiguous), str (of each kind), and Java's byte[], ByteBuffer (heap at an offset, read-only, direct) and
 * String. Valid documents must equal {@code json.loads} with types; invalid ones fail with our message at the exact
 * character position, and {@code json.loads} must refuse them too (except where the contract is stricter).
 */
class GrammarTest {

    private static final int VALID = ((Number) Interpreter.eval("len(VALID)")).intValue();
    private static final int INVALID = ((Number) Interpreter.eval("len(INVALID)")).intValue();

    private static byte[] bytes(String expression) {
        return (byte[]) Interpreter.eval(expression);
    }

    @TestFactory
    Stream<DynamicTest> validDocumentsThroughEveryPythonInput() {
        return Stream.iterate(0, i -> i < VALID, i -> i + 1).map(i -> DynamicTest.dynamicTest("VALID[" + i + "]", () -> {
            Interpreter.noMismatches("check_valid(VALID[" + i + "])");
            Interpreter.noMismatches("check_str_kinds(VALID[" + i + "])");
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidDocumentsThroughEveryPythonInput() {
        return Stream.iterate(0, i -> i < INVALID, i -> i + 1).map(i -> DynamicTest.dynamicTest("INVALID[" + i + "]",
                () -> Interpreter.noMismatches("check_invalid(*INVALID[" + i + "])")));
    }

    /** The Java inputs of {@code doc}: (label, decode). */
    private static List<Object[]> javaInputs(byte[] doc) {
        List<Object[]> out = new ArrayList<>();
        out.add(new Object[]{"byte[]", (Decode) python -> Json.loads(python, doc)});
        byte[] padded = new byte[doc.length + 7];
        System.arraycopy(doc, 0, padded, 3, doc.length);
        out.add(new Object[]{"heap ByteBuffer at an offset",
                (Decode) python -> Json.loads(python, ByteBuffer.wrap(padded, 3, doc.length))});
        out.add(new Object[]{"read-only ByteBuffer", (Decode) python -> Json.loads(python, ByteBuffer.wrap(doc).asReadOnlyBuffer())});
        ByteBuffer direct = ByteBuffer.allocateDirect(doc.length + 2);
        direct.put(doc).flip();
        out.add(new Object[]{"direct ByteBuffer", (Decode) python -> Json.loads(python, direct)});
        String text = utf8(doc);
        if (text != null) out.add(new Object[]{"String", (Decode) python -> Json.loads(python, text)});
        return out;
    }

    private static String utf8(byte[] doc) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(doc)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    interface Decode {
        PyRef decode(dev.serpentine.bridge.Python python);
    }

    @TestFactory
    Stream<DynamicTest> validDocumentsThroughEveryJavaInput() {
        return Stream.iterate(0, i -> i < VALID, i -> i + 1).map(i -> DynamicTest.dynamicTest("VALID[" + i + "]", () -> {
            byte[] doc = bytes("VALID[" + i + "]");
            for (Object[] input : javaInputs(doc)) {
                Object same = Interpreter.RUNTIME.call(python -> {
                    try (PyRef v = ((Decode) input[1]).decode(python); PyRef main = python.importModule("__main__")) {
                        python.setAttr(main, "_java_value", v);
                        try (PyRef r = python.eval("same(_java_value, oracle(VALID[" + i + "]))")) {
                            return python.toJava(r);
                        }
                    }
                });
                assertEquals(Boolean.TRUE, same, input[0] + " of VALID[" + i + "]");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidDocumentsThroughEveryJavaInput() {
        return Stream.iterate(0, i -> i < INVALID, i -> i + 1).map(i -> DynamicTest.dynamicTest("INVALID[" + i + "]", () -> {
            byte[] doc = bytes("INVALID[" + i + "][0]");
            String msg = (String) Interpreter.eval("INVALID[" + i + "][1]");
            long pos = ((Number) Interpreter.eval("INVALID[" + i + "][2]")).longValue();
            String text = utf8(doc);
            for (Object[] input : javaInputs(doc)) {
                JsonDecodeException e = assertThrows(JsonDecodeException.class,
                        () -> Interpreter.RUNTIME.call(python -> {
                            try (PyRef v = ((Decode) input[1]).decode(python)) {
                                return null;
                            }
                        }), input[0] + " of INVALID[" + i + "]");
                // a String counts UTF-16 units; the byte inputs count characters (code points), as Python does
                long expected = input[0].equals("String") ? text.offsetByCodePoints(0, 0) + utf16(text, pos) : pos;
                assertEquals(msg, e.reason(), input[0] + " of INVALID[" + i + "]");
                assertEquals(expected, e.position(), input[0] + " of INVALID[" + i + "]");
                if (text != null && !Interpreter.eval("INVALID[" + i + "][1] in DOCUMENTLESS").equals(Boolean.TRUE)) {
                    JsonDecodeException oracle = JsonDecodeException.at(msg, text, (int) e.position());
                    assertEquals(oracle.getMessage(), e.getMessage());
                }
            }
        }));
    }

    /** UTF-16 units in the first {@code codePoints} code points of {@code text}. */
    private static long utf16(String text, long codePoints) {
        return text.offsetByCodePoints(0, (int) Math.min(codePoints, text.codePointCount(0, text.length())));
    }

    @Test
    void anythingButBytesBytearrayMemoryviewOrStrIsRefused() {
        Interpreter.noMismatches("check_type_errors()");
    }

    @Test
    void aJavaStringWithALoneSurrogateIsRefusedAsPythonRefusesOne() {
        JsonDecodeException e = assertThrows(JsonDecodeException.class, () -> Interpreter.RUNTIME.call(
                python -> Json.loads(python, "[\"\ud800\"]")));
        assertEquals("str is not valid UTF-8: surrogates not allowed", e.reason());
        assertEquals(0, e.position());
        assertTrue(e.getMessage().endsWith("line 1 column 1 (char 0)"), e.getMessage());
    }
}
