package dev.serpentine.distribution;

import dev.serpentine.bridge.PythonRuntime;
import org.junit.Rule;
import org.junit.rules.TestWatcher;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;

import static org.ops4j.pax.exam.CoreOptions.options;

/**
 * What every platform test class shares: the framework content ({@link PlatformOptions}) with the runtime configured
 * for {@link #backend()}, and the diagnostics that turn a hidden failure into a report of the framework's state.
 *
 * <ul>
 *   <li>The probe's activator ({@link ProbeActivator}) prints the report when a bundle did not start — a bundle
 *       that does not resolve otherwise surfaces only as a ClassNotFoundException of the probe;</li>
 *   <li>the constructor waits for {@link PythonRuntime} before Pax Exam injects it, and fails with the report
 *       instead of "gave up waiting for service" (JUnit rules do not cover instantiation and injection);</li>
 *   <li>{@link #report} prints it when a test fails.</li>
 * </ul>
 */
public abstract class PlatformTestBase {

    /** How long the runtime may take to come up (the first run unpacks CPython into the per-user cache). */
    static final long TIMEOUT_MS = 60_000;

    static final String ABI = "dev.serpentine.ffi.abi.CPythonAbi";
    static final String BINDING = "dev.serpentine.ffi.binding.CPythonBinding";
    /** The version of the reactor's ABI bundles, as their layout.properties say it. */
    static final String BUILT_VERSION = "0.1.0-SNAPSHOT";

    @Rule
    public final TestWatcher report = FrameworkReport.onFailure(getClass());

    /** Inside the framework: waits for the runtime service, or fails with the framework report. */
    protected PlatformTestBase() {
        FrameworkReport.awaitService(getClass(), PythonRuntime.class, TIMEOUT_MS);
    }

    /** The backend the runtime is configured to bind: {@code ffm} or {@code jna}. */
    protected abstract String backend();

    @Configuration
    public Option[] config() {
        return options(PlatformOptions.platform(backend()));
    }

    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        return probe.setHeader(org.osgi.framework.Constants.BUNDLE_ACTIVATOR, ProbeActivator.class.getName());
    }
}
