package dev.serpentine.distribution;

import dev.serpentine.allocator.AllocatorStats;
import dev.serpentine.allocator.PyAllocator;
import dev.serpentine.bridge.AbiInfo;
import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import javax.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

/**
 * The platform in Felix with SCR, the FFM backend and CPython 3.13 (this JVM's one interpreter): the runtime comes
 * up with the newest ABI bundle for the running version, and an ABI bundle released later replaces it live — and
 * its removal brings the old one back — without restarting the framework, the runtime or the interpreter. A
 * stopped and restarted bridge comes back on the interpreter already running (CPython is never re-initialized).
 * Its own Surefire execution, hence its own JVM.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FfmRuntimeTest extends PlatformTestBase {

    static final String NEWER_VERSION = "0.1.1";

    @Inject
    @Filter(timeout = TIMEOUT_MS)
    PythonRuntime runtime;

    @Inject
    @Filter(timeout = TIMEOUT_MS)
    PyAllocator allocator;

    @Inject
    BundleContext context;

    /** FFM outranks JNA (200 > 100); the configuration makes the choice independent of bundle start order. */
    @Override
    protected String backend() {
        return "ffm";
    }

    @Test
    public void runsCPython313OnFfmWithTheBuiltCp313Bundle() {
        System.out.println("[osgi-ffm] " + runtime + " from " + runtime.installation().origin());
        assertEquals("CPython version", "3.13", runtime.version().minorVersion());
        assertEquals("backend", "ffm", runtime.backend());
        assertEquals("bound ABI", new AbiInfo("cp313", "default", BUILT_VERSION), runtime.abi());

        ServiceReference<PythonRuntime> ref = context.getServiceReference(PythonRuntime.class);
        assertEquals("python.version service property", runtime.version().toString(), ref.getProperty("python.version"));
        assertEquals("python.backend service property", "ffm", ref.getProperty("python.backend"));

        // Both backends are offered; FFM is the one in use.
        assertEquals("binding services", List.of("ffm", "jna"), backends());

        // Every ABI bundle registers its service; cp313 is bound, cp312 (also registered) is not.
        List<String> tags = new ArrayList<>();
        for (ServiceReference<?> r : FrameworkReport.references(context, ABI)) tags.add((String) r.getProperty("python.abi"));
        tags.sort(null);
        assertEquals("registered ABI services", List.of("cp310", "cp311", "cp312", "cp313", "cp314", "cp39"), tags);
        assertNotNull("cp312 ABI service registered", abiService("cp312", "dev.serpentine.abi.cp312"));
        assertNotNull("cp313 ABI service registered", abiService("cp313", "dev.serpentine.abi.cp313"));
        assertNotEquals("the runtime must not bind the registered cp312 ABI", "cp312", runtime.abi().tag());
    }

    @Test
    public void pythonRunsThroughTheServiceAndTheAllocatorServesItsMemory() {
        String backend = runtime.call(python -> {
            try (PyRef info = python.eval("__import__('serpentine').abi_info()['backend']")) {
                return (String) python.toJava(info);
            }
        });
        assertEquals("serpentine.abi_info() through an upcall in OSGi", "ffm", backend);
        AllocatorStats before = allocator.stats();
        long traced = runtime.call(python -> {
            python.exec("import tracemalloc\ntracemalloc.start()\n");
            try {
                long base = tracedNow(python);
                long p = allocator.malloc(1_000_000);
                long during = tracedNow(python);
                allocator.free(p);
                return during - base;
            } finally {
                python.exec("tracemalloc.stop()\n");
            }
        });
        assertEquals("tracemalloc sees the service's block", true, traced >= 1_000_000);
        assertEquals("blocks back to the start", before.liveBlocks(), allocator.stats().liveBlocks());
    }

    private static long tracedNow(dev.serpentine.bridge.Python python) {
        try (PyRef r = python.eval("tracemalloc.get_traced_memory()[0]")) {
            return (Long) python.toJava(r);
        }
    }

    @Test
    public void aNewerAbiBundleReplacesTheBoundOneLiveAndItsRemovalRestoresIt() throws Exception {
        ServiceReference<PythonRuntime> ref = context.getServiceReference(PythonRuntime.class);
        Object serviceId = ref.getProperty("service.id");
        Bundle bridge = ref.getBundle();
        long bridgeId = bridge.getBundleId();
        var installation = runtime.installation();
        assertEquals("before: the built bundle is bound", BUILT_VERSION, runtime.abi().bundleVersion());

        // A real abi-cp313 0.1.1: the built jar's classes and DS descriptor, raised versions.
        Path built = PlatformOptions.reactorJar("ffi-core/abi-cp313", "abi-cp313");
        Path newer = BundleReleases.withVersion(built,
                Path.of(PlatformOptions.required(PlatformOptions.WORK_DIR), "abi-cp313-" + NEWER_VERSION + ".jar"),
                "dev/serpentine/abi/cp313/layout.properties", BUILT_VERSION, NEWER_VERSION);
        Bundle update = context.installBundle(newer.toUri().toString());
        try {
            assertEquals("Bundle-Version of the new bundle", NEWER_VERSION, update.getVersion().toString());
            update.start();
            assertNotNull("the 0.1.1 bundle registers a cp313 ABI service",
                    abiService("cp313", "dev.serpentine.abi.cp313", update));

            String swapped = FrameworkReport.poll(() -> runtime.abi().bundleVersion(), NEWER_VERSION::equals, TIMEOUT_MS);
            System.out.println("[osgi-ffm] after installing abi-cp313 " + NEWER_VERSION + ": " + runtime);
            assertEquals("ABI bundle version after the newer bundle started", NEWER_VERSION, swapped);
            assertEquals("ABI tag after the swap", "cp313", runtime.abi().tag());
            assertSameRuntime(serviceId, bridgeId, installation);

            update.stop();
            update.uninstall();
            update = null;

            String restored = FrameworkReport.poll(() -> runtime.abi().bundleVersion(), BUILT_VERSION::equals, TIMEOUT_MS);
            System.out.println("[osgi-ffm] after uninstalling it: " + runtime);
            assertEquals("ABI bundle version after the newer bundle left", BUILT_VERSION, restored);
            assertSameRuntime(serviceId, bridgeId, installation);
        } finally {
            if (update != null) update.uninstall();
        }
    }

    @Test
    public void theBridgeRestartsOnTheRunningInterpreterAndStopsWithoutReselectingAbis() throws Exception {
        ServiceReference<PythonRuntime> ref = context.getServiceReference(PythonRuntime.class);
        Bundle bridge = ref.getBundle();
        Object serviceId = ref.getProperty("service.id");
        var installation = runtime.installation();

        // The component logs through System.Logger, i.e. java.util.logging here.
        LoggedWarnings warnings = LoggedWarnings.of("dev.serpentine.bridge.internal.PythonRuntimeComponent");
        try {
            bridge.stop();
            assertNull("no PythonRuntime while the bridge is stopped", context.getServiceReference(PythonRuntime.class));
            // SCR unbinds the ABI services after deactivation: a stopped runtime must not re-select among them.
            assertEquals("warnings while the bridge stopped", List.of(), warnings.messages());
        } finally {
            warnings.close();
            bridge.start();
        }

        ServiceTracker<PythonRuntime, PythonRuntime> tracker = new ServiceTracker<>(context, PythonRuntime.class, null);
        tracker.open();
        try {
            PythonRuntime restarted = tracker.waitForService(TIMEOUT_MS);
            assertNotNull("PythonRuntime after the bridge restarted", restarted);
            System.out.println("[osgi-ffm] after restarting the bridge: " + restarted);
            assertNotEquals("a new registration", serviceId, tracker.getServiceReference().getProperty("service.id"));
            assertSame("on the interpreter already running (same installation object)", installation, restarted.installation());
            assertEquals("backend", "ffm", restarted.backend());
            assertEquals("bound ABI", new AbiInfo("cp313", "default", BUILT_VERSION), restarted.abi());
        } finally {
            tracker.close();
        }
    }

    /** The same PythonRuntime registration and object, the bridge never restarted, the same interpreter. */
    private void assertSameRuntime(Object serviceId, long bridgeId, Object installation) {
        ServiceReference<PythonRuntime> now = context.getServiceReference(PythonRuntime.class);
        assertNotNull("PythonRuntime still registered", now);
        assertEquals("PythonRuntime service.id", serviceId, now.getProperty("service.id"));
        PythonRuntime current = context.getService(now);
        try {
            assertSame("the registered runtime is the injected object", runtime, current);
        } finally {
            context.ungetService(now);
        }
        Bundle bridge = context.getBundle(bridgeId);
        assertEquals("bridge bundle state", Bundle.ACTIVE, bridge.getState());
        assertSame("the interpreter's installation (same RunningInterpreter)", installation, runtime.installation());
    }

    private ServiceReference<?> abiService(String tag, String bsn) {
        return abiService(tag, bsn, null);
    }

    /** The ABI service for {@code tag} registered by bundle {@code bsn} (and that very bundle, if given). */
    private ServiceReference<?> abiService(String tag, String bsn, Bundle from) {
        for (ServiceReference<?> r : FrameworkReport.references(context, ABI)) {
            if (tag.equals(r.getProperty("python.abi")) && bsn.equals(r.getBundle().getSymbolicName())
                    && (from == null || from.equals(r.getBundle()))) {
                return r;
            }
        }
        return null;
    }

    private List<String> backends() {
        List<String> names = new ArrayList<>();
        for (ServiceReference<?> r : FrameworkReport.references(context, BINDING)) names.add((String) r.getProperty("backend"));
        names.sort(null);
        return names;
    }
}
