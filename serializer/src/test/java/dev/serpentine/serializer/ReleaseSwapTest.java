package dev.serpentine.serializer;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.spi.Registration;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A newer serializer release taking over (as a hot swap in OSGi does: a second service with its own helpers): a
 * {@code serpentine.Fragment} made before the swap is still a Fragment to the new release, because the class is the
 * bridge's, not a release's.
 */
class ReleaseSwapTest {

    @Test
    void aFragmentMadeBeforeANewReleaseIsWrittenByIt() throws Exception {
        Runtime.exec("import serpentine\n_fragment_before = serpentine.Fragment(b'{\"kept\":[1,2]}')\n");
        SerializerService next = new SerializerService(Runtime.PLATFORM);
        next.prepare(Runtime.RUNTIME); // the new release's helpers, in a namespace of its own
        Registration swapped = Runtime.PLATFORM.installEncoder(next);
        try {
            assertEquals(Boolean.TRUE, Runtime.eval("type(_fragment_before) is serpentine.Fragment"));
            assertEquals("[{\"kept\":[1,2]},{\"new\":0}]",
                    Runtime.eval("serpentine.dumps([_fragment_before, serpentine.Fragment('{\"new\":0}')]).decode()"));
            String direct = Runtime.RUNTIME.call(python -> {
                try (PyRef f = python.eval("_fragment_before")) {
                    return new String(next.encode(python, f, 0), StandardCharsets.UTF_8);
                }
            });
            assertEquals("{\"kept\":[1,2]}", direct);
        } finally {
            swapped.close();
            Runtime.PLATFORM.installEncoder(Runtime.SERVICE); // the suite's serializer again
        }
    }
}
