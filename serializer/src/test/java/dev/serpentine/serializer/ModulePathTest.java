package dev.serpentine.serializer;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.json.Json;
import dev.serpentine.bridge.json.JsonEncoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder as plain Java finds it, on the class path and (executions modules-*) on the module path: this module
 * named there, exporting nothing, the encoder a service provider of the bridge's {@code uses}, and its Python helpers
 * (a resource of the module) reached for a datetime, from Python and from Java.
 */
class ModulePathTest {

    @Test
    void theEncoderIsTheServiceProviderAndReachesItsHelpers() {
        if (Boolean.getBoolean("serpentine.test.modules")) {
            Module module = SerializerService.class.getModule();
            assertEquals("dev.serpentine.serializer", module.getName());
            assertFalse(module.getDescriptor().exports().iterator().hasNext(), "exports nothing");
            assertTrue(module.getDescriptor().provides().stream().anyMatch(p -> p.service().equals(
                    JsonEncoder.class.getName()) && p.providers().contains(SerializerService.class.getName())));
        } else { // on the module path only the bridge, which declares the use, may load the service
            assertTrue(ServiceLoader.load(JsonEncoder.class).stream().anyMatch(p -> p.type() == SerializerService.class));
        }
        String doc = "[__import__('datetime').datetime(2026, 12, 2, 1, 2, 3), 'é', 1.5]";
        String expected = "[\"2026-12-02T01:02:03\",\"é\",1.5]";
        assertEquals(expected, Runtime.eval("__import__('serpentine').dumps(" + doc + ").decode()"));
        String fromJava = Runtime.RUNTIME.call(python -> {
            try (PyRef v = python.eval(doc)) {
                return new String(Json.dumps(python, v, 0), StandardCharsets.UTF_8);
            }
        });
        assertEquals(expected, fromJava);
    }
}
