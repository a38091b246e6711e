package dev.serpentine.distribution;

import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.json.JsonDecoder;
import dev.serpentine.bridge.json.JsonEncoder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import javax.inject.Inject;
import java.util.ArrayList;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

/**
 * The whole platform with the real codecs in Felix: every Serpentine bundle resolves and starts, every DS component
 * is satisfied, the encoder and decoder services are bound by the bridge, and the four corpus documents round-trip
 * from Java ({@code Json}) and from Python ({@code serpentine.dumps/loads}) exactly as {@code json} does. Run twice,
 * each in its own JVM: FFM on JDK 25 and JNA on JDK 17 ({@code serpentine.it.backend}, {@code serpentine.it.jdk}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JsonCodecsTest extends PlatformTestBase {

    @Inject
    @Filter(timeout = TIMEOUT_MS)
    PythonRuntime runtime;

    @Inject
    @Filter(timeout = TIMEOUT_MS)
    JsonEncoder encoder;

    @Inject
    @Filter(timeout = TIMEOUT_MS)
    JsonDecoder decoder;

    @Inject
    BundleContext context;

    @Override
    protected String backend() {
        return itBackend();
    }

    @Test
    public void everyBundleResolvesAndStartsAndEveryComponentIsSatisfied() {
        System.out.println("[codecs-" + backend() + "] " + runtime + " on Java " + Runtime.version());
        assertEquals("backend", backend(), runtime.backend());
        assertEquals("the JDK of this execution", itJdk(), Runtime.version().feature());
        List<String> platform = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            // the platform's bundles, not the test's configuration seeder (dev.serpentine.it.*)
            if (b.getSymbolicName().startsWith("dev.serpentine.") && !b.getSymbolicName().startsWith("dev.serpentine.it.")) {
                platform.add(b.getSymbolicName());
                assertEquals(b.getSymbolicName() + " state", Bundle.ACTIVE, b.getState());
            }
        }
        assertEquals("Serpentine bundles installed: " + platform, PlatformOptions.reactorJars().size(), platform.size());
        assertTrue(platform.contains("dev.serpentine.serializer"));
        assertTrue(platform.contains("dev.serpentine.deserializer"));

        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            int components = 0;
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                if (!d.bundle.symbolicName.startsWith("dev.serpentine.")) continue;
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    components++;
                    assertTrue(d.name + " is satisfied or active (state " + c.state + ", failure " + c.failure + ")",
                            c.state == ComponentConfigurationDTO.ACTIVE || c.state == ComponentConfigurationDTO.SATISFIED);
                }
            }
            assertTrue("components of the platform: " + components, components >= 10);
        } finally {
            context.ungetService(ref);
        }
    }

    @Test
    public void theBridgeBindsTheSerializerAndTheDeserializer() {
        assertBoundByTheBridge(JsonEncoder.class, "dev.serpentine.serializer");
        assertBoundByTheBridge(JsonDecoder.class, "dev.serpentine.deserializer");
        String answer = runtime.call(python -> {
            try (var r = python.eval("__import__('serpentine').dumps(__import__('serpentine').loads(b'{\"a\":[1,2.5,null]}')).decode()")) {
                return (String) python.toJava(r);
            }
        });
        assertEquals("{\"a\":[1,2.5,null]}", answer);
    }

    private void assertBoundByTheBridge(Class<?> type, String providerBsn) {
        ServiceReference<?> ref = context.getServiceReference(type);
        assertNotNull(type.getSimpleName() + " service", ref);
        assertEquals(type.getSimpleName() + " provider", providerBsn, ref.getBundle().getSymbolicName());
        List<String> users = new ArrayList<>();
        Bundle[] using = ref.getUsingBundles();
        if (using != null) for (Bundle b : using) users.add(b.getSymbolicName());
        assertTrue(type.getSimpleName() + " is used by the bridge: " + users, users.contains("dev.serpentine.bridge"));
    }

    @Test
    public void theCorpusRoundTripsFromJavaAsJsonDoes() {
        for (String name : Corpus.DOCUMENTS) {
            byte[] doc = Corpus.read(name);
            runtime.call(python -> {
                Corpus.checkFromJava(python, name, doc);
                return null;
            });
        }
    }

    @Test
    public void theCorpusRoundTripsFromPythonAsJsonDoes() {
        for (String name : Corpus.DOCUMENTS) {
            byte[] doc = Corpus.read(name);
            runtime.call(python -> {
                Corpus.checkFromPython(python, name, doc);
                return null;
            });
        }
    }

    /** The backend of this Surefire execution ({@code -Dserpentine.it.backend}, default ffm). */
    static String itBackend() {
        return System.getProperty("serpentine.it.backend", "ffm");
    }

    /** The JDK this execution is meant to run on ({@code -Dserpentine.it.jdk}, default 25). */
    static int itJdk() {
        return Integer.parseInt(System.getProperty("serpentine.it.jdk", "25"));
    }
}
