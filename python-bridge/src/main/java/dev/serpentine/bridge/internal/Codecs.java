package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.Python;
import dev.serpentine.bridge.json.JsonCodecUnavailableException;
import dev.serpentine.bridge.json.JsonDecoder;
import dev.serpentine.bridge.json.JsonEncoder;

import java.util.Iterator;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JSON codecs in use, one per process: set by {@link JsonCodecComponent} in OSGi (DS, highest ranking), by
 * {@link ServiceLoader} in plain Java (looked for once, when first needed), or by the codec SPI. Each call reads the
 * reference once, so a replacement never fails a call in flight: the call finishes on the codec it read.
 */
public final class Codecs {

    static final String NO_ENCODER = "no JSON encoder is installed: install the bundle dev.serpentine.serializer"
            + " (in plain Java, put the serializer jar on the class path or module path)";
    static final String NO_DECODER = "no JSON decoder is installed: install the bundle dev.serpentine.deserializer"
            + " (in plain Java, put the deserializer jar on the class path or module path)";

    private static final AtomicReference<JsonEncoder> ENCODER = new AtomicReference<>();
    private static final AtomicReference<JsonDecoder> DECODER = new AtomicReference<>();
    private static volatile boolean serviceLoaderTried;

    private Codecs() {
    }

    /** The encoder in use, or null. */
    static JsonEncoder currentEncoder() {
        JsonEncoder e = ENCODER.get();
        return e != null || serviceLoaderTried ? e : lookUp().encoder;
    }

    /** The decoder in use, or null. */
    static JsonDecoder currentDecoder() {
        JsonDecoder d = DECODER.get();
        return d != null || serviceLoaderTried ? d : lookUp().decoder;
    }

    /** The encoder for a call with {@code python} (a live token: the codec needs its GIL); fails naming the bundle to install. */
    public static JsonEncoder encoder(Python python) {
        PythonScope.checkLive(python);
        JsonEncoder e = currentEncoder();
        if (e == null) throw new JsonCodecUnavailableException(NO_ENCODER);
        return e;
    }

    /** The decoder for a call with {@code python} (a live token: the codec needs its GIL); fails naming the bundle to install. */
    public static JsonDecoder decoder(Python python) {
        PythonScope.checkLive(python);
        JsonDecoder d = currentDecoder();
        if (d == null) throw new JsonCodecUnavailableException(NO_DECODER);
        return d;
    }

    static void setEncoder(JsonEncoder e) {
        ENCODER.set(e);
    }

    /** Drops {@code e} if it is still the one in use (a replacement bound before it left stays). */
    static void removeEncoder(JsonEncoder e) {
        ENCODER.compareAndSet(e, null);
    }

    static void setDecoder(JsonDecoder d) {
        DECODER.set(d);
    }

    static void removeDecoder(JsonDecoder d) {
        DECODER.compareAndSet(d, null);
    }

    private record Found(JsonEncoder encoder, JsonDecoder decoder) {
    }

    /** Plain Java: the first encoder and decoder {@link ServiceLoader} finds, unless some were set already. */
    private static synchronized Found lookUp() {
        if (!serviceLoaderTried) {
            ClassLoader loader = Codecs.class.getClassLoader();
            ENCODER.compareAndSet(null, first(ServiceLoader.load(JsonEncoder.class, loader).iterator()));
            DECODER.compareAndSet(null, first(ServiceLoader.load(JsonDecoder.class, loader).iterator()));
            serviceLoaderTried = true;
        }
        return new Found(ENCODER.get(), DECODER.get());
    }

    private static <T> T first(Iterator<T> found) {
        return found.hasNext() ? found.next() : null;
    }
}
