package dev.serpentine.bridge.json;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import dev.serpentine.bridge.internal.Codecs;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * JSON for Java callers, inside a GIL task: the same codec that serves {@code serpentine.dumps} /
 * {@code serpentine.loads}, read once per call, so a codec replaced meanwhile never fails a call.
 *
 * <pre>{@code
 * byte[] json = runtime.call(python -> {
 *     try (PyRef value = python.eval("{'a': [1, 2.5, None]}")) {
 *         return Json.dumps(python, value);
 *     }
 * });
 * }</pre>
 *
 * <p>Every method throws {@link JsonCodecUnavailableException} when no encoder or decoder is installed (the message
 * names the bundle to install), {@link JsonEncodeException} / {@link JsonDecodeException} for what the codec refuses.
 */
public final class Json {

    private Json() {
    }

    /** The UTF-8 JSON text of {@code value}. */
    public static byte[] dumps(Python python, PyRef value) {
        return Codecs.encoder(python).encode(python, value, 0);
    }

    /** The UTF-8 JSON text of {@code value} with {@code options} (the {@code OPT_*} bits of {@code serpentine}). */
    public static byte[] dumps(Python python, PyRef value, int options) {
        return Codecs.encoder(python).encode(python, value, options);
    }

    /** The UTF-8 JSON text of {@code value} with {@code options}. */
    public static byte[] dumps(Python python, PyRef value, Set<JsonOption> options) {
        return Codecs.encoder(python).encode(python, value, JsonOption.bits(options));
    }

    /**
     * Writes {@code value}'s JSON into {@code out} from its position, which moves past it; returns its length. A
     * {@code MemorySegment} (Java 22+) is written through {@code segment.asByteBuffer()}.
     *
     * @throws JsonBufferTooSmallException when {@code out} has less room than the text (nothing is written)
     */
    public static int dumps(Python python, PyRef value, Set<JsonOption> options, ByteBuffer out) {
        return Codecs.encoder(python).encode(python, value, JsonOption.bits(options), out);
    }

    /** {@code value}'s JSON as a new Python {@code bytes} object, as {@code serpentine.dumps} returns it. */
    public static PyRef dumpsToBytes(Python python, PyRef value, Set<JsonOption> options) {
        return Codecs.encoder(python).encodeToBytes(python, value, JsonOption.bits(options));
    }

    /** The Python value of a UTF-8 JSON document. */
    public static PyRef loads(Python python, byte[] json) {
        return Codecs.decoder(python).decode(python, json);
    }

    /** The Python value of the UTF-8 JSON document between {@code json}'s position and limit. */
    public static PyRef loads(Python python, ByteBuffer json) {
        return Codecs.decoder(python).decode(python, json);
    }

    /** The Python value of a JSON document given as text. */
    public static PyRef loads(Python python, String json) {
        return Codecs.decoder(python).decode(python, json);
    }
}
