package dev.serpentine.deserializer;

import ch.randelshofer.fastdoubleparser.JsonDoubleParser;
import dev.serpentine.bridge.json.Json;
import dev.serpentine.bridge.json.JsonDecoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder as plain Java finds it, on the class path and (executions modules-*) on the module path: this module
 * and fastdoubleparser named there, the decoder a service provider of the bridge's {@code uses}, and a document
 * with floats decoded through it from both sides.
 */
class ModulePathTest {

    @Test
    void theDecoderIsTheServiceProviderAndDecodesFloats() {
        if (Boolean.getBoolean("serpentine.test.modules")) {
            assertEquals("dev.serpentine.deserializer", Deserializer.class.getModule().getName());
            assertEquals("ch.randelshofer.fastdoubleparser", JsonDoubleParser.class.getModule().getName());
            assertFalse(Deserializer.class.getModule().getDescriptor().exports().iterator().hasNext(), "exports nothing");
            assertTrue(Deserializer.class.getModule().getDescriptor().provides().stream().anyMatch(
                    p -> p.service().equals(JsonDecoder.class.getName()) && p.providers().contains(Deserializer.class.getName())));
        } else {
            assertTrue(ServiceLoader.load(JsonDecoder.class).stream().anyMatch(p -> p.type() == Deserializer.class));
        }
        assertEquals("ok|[0.1, 1e+300, 2.5e-308]", Interpreter.outcome("serpentine.loads('[0.1, 1e300, 2.5e-308]')"));
        Object same = Interpreter.RUNTIME.call(python -> {
            try (var v = Json.loads(python, "[0.1,1e300]".getBytes(StandardCharsets.UTF_8));
                 var r = python.eval("[0.1, 1e300]")) {
                return python.repr(v).equals(python.repr(r));
            }
        });
        assertEquals(Boolean.TRUE, same);
    }
}
