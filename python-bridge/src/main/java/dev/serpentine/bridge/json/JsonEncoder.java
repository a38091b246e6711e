package dev.serpentine.bridge.json;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import org.osgi.annotation.versioning.ConsumerType;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * A JSON encoder service (bundle {@code dev.serpentine.serializer}). The bridge uses the highest-ranked one
 * ({@code service.ranking}); a better-ranked one replaces it at runtime without failing a call in flight — a call
 * finishes on the encoder it started with, so an encoder must keep serving calls until its bundle has drained them.
 * Every method runs with the GIL held, on the caller's thread.
 */
@ConsumerType
public interface JsonEncoder {

    /**
     * {@code serpentine.dumps(*args, **kwargs)} as Python called it ({@code METH_FASTCALL | METH_KEYWORDS}):
     * {@code args} is the address of {@code nargs} positional arguments followed by one value per name in
     * {@code kwnames} (a tuple of str, or 0), all borrowed. Returns a new reference to the {@code bytes} result, or 0
     * with a Python exception set ({@code serpentine.JSONEncodeError}, i.e. {@code TypeError}, for what cannot be
     * encoded). The encoder parses the arguments itself (json-contract.md §2.1).
     */
    long dumps(long args, long nargs, long kwnames);

    /**
     * The UTF-8 JSON text of {@code value} with {@code options} (the {@code OPT_*} bits of {@code serpentine}).
     *
     * @throws JsonEncodeException when {@code value} cannot be encoded
     */
    byte[] encode(Python python, PyRef value, int options);

    /**
     * {@code value}'s JSON written into {@code out} from its position, which moves past it (heap or direct; a
     * {@code MemorySegment} on Java 22+ gives one with {@code asByteBuffer()}). Returns the number of bytes written.
     * This default encodes to an array and copies; an encoder overrides it to skip the copy.
     *
     * @throws JsonEncodeException when {@code value} cannot be encoded
     * @throws JsonBufferTooSmallException when {@code out} has less room than the text needs (nothing written)
     * @throws ReadOnlyBufferException when {@code out} is read-only
     */
    default int encode(Python python, PyRef value, int options, ByteBuffer out) {
        if (out.isReadOnly()) throw new ReadOnlyBufferException();
        byte[] json = encode(python, value, options);
        if (json.length > out.remaining()) throw new JsonBufferTooSmallException(json.length, out.remaining());
        out.put(json);
        return json.length;
    }

    /**
     * {@code value}'s JSON as a new Python {@code bytes} object, as {@code serpentine.dumps} returns it. This default
     * encodes to an array and copies; an encoder overrides it to write the {@code bytes} directly.
     *
     * @throws JsonEncodeException when {@code value} cannot be encoded
     */
    default PyRef encodeToBytes(Python python, PyRef value, int options) {
        return python.toPython(encode(python, value, options));
    }
}
