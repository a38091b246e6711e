package dev.serpentine.distribution;

import dev.serpentine.bridge.AbiInfo;
import dev.serpentine.bridge.PythonRuntime;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import javax.inject.Inject;
import java.util.ArrayList;
import java.util.List;

import static org.junit.Assert.assertEquals;

/**
 * The JNA backend chosen in OSGi by configuration ({@code binding.target=(backend=jna)}) although FFM, registered
 * too, ranks higher. Its own Surefire execution, hence its own JVM: CPython runs once per process.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JnaBackendTest extends PlatformTestBase {

    @Inject
    @Filter(timeout = TIMEOUT_MS)
    PythonRuntime runtime;

    @Inject
    BundleContext context;

    @Override
    protected String backend() {
        return "jna";
    }

    @Test
    public void theConfiguredJnaBackendRunsCPython313() {
        System.out.println("[osgi-jna] " + runtime + " from " + runtime.installation().origin());
        assertEquals("backend", "jna", runtime.backend());
        assertEquals("CPython version", "3.13", runtime.version().minorVersion());
        assertEquals("bound ABI", new AbiInfo("cp313", "default", BUILT_VERSION), runtime.abi());

        ServiceReference<PythonRuntime> ref = context.getServiceReference(PythonRuntime.class);
        assertEquals("python.backend service property", "jna", ref.getProperty("python.backend"));

        // FFM is there and outranks JNA: only the configuration can have chosen JNA.
        List<String> offered = new ArrayList<>();
        for (ServiceReference<?> r : FrameworkReport.references(context, BINDING)) {
            offered.add(r.getProperty("backend") + ":" + r.getProperty("service.ranking"));
        }
        offered.sort(null);
        assertEquals("binding services (backend:ranking)", List.of("ffm:200", "jna:100"), offered);
    }
}
