package dev.serpentine.bridge.json;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import org.osgi.annotation.versioning.ConsumerType;

import java.nio.ByteBuffer;

/**
 * A JSON decoder service (bundle {@code dev.serpentine.deserializer}). The bridge uses the highest-ranked one
 * ({@code service.ranking}); a better-ranked one replaces it at runtime without failing a call in flight — a call
 * finishes on the decoder it started with. Every method runs with the GIL held, on the caller's thread.
 */
@ConsumerType
public interface JsonDecoder {

    /**
     * {@code serpentine.loads(obj)} as Python called it ({@code METH_O}: CPython has already refused any other
     * number of arguments): {@code obj} is borrowed. Returns a new reference, or 0 with a Python exception set
     * ({@code serpentine.JSONDecodeError} for a malformed document).
     */
    long loads(long obj);

    /**
     * The Python value of a UTF-8 JSON document.
     *
     * @throws JsonDecodeException for a malformed document
     */
    PyRef decode(Python python, byte[] json);

    /**
     * The Python value of the UTF-8 JSON document between {@code json}'s position and limit (heap or direct; a
     * {@code MemorySegment} on Java 22+ gives one with {@code asByteBuffer()}). The position does not move.
     *
     * @throws JsonDecodeException for a malformed document
     */
    PyRef decode(Python python, ByteBuffer json);

    /**
     * The Python value of a JSON document given as text; positions in errors count characters of {@code json}.
     *
     * @throws JsonDecodeException for a malformed document
     */
    PyRef decode(Python python, String json);
}
