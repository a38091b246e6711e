package dev.serpentine.distribution;

import org.junit.rules.TestWatcher;
import org.junit.runner.Description;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.util.tracker.ServiceTracker;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What went wrong inside the framework, said in the test report. A bundle that does not resolve (a missing
 * requirement) otherwise shows up only as "gave up waiting for service" after the injection timeout.
 *
 * Used by {@link PlatformTestBase} and {@link ProbeActivator}; nothing here acts outside the framework (Pax Exam's
 * driver side loads and instantiates the test class too).
 */
public final class FrameworkReport {

    private static final String[] STATES = {"UNINSTALLED", "INSTALLED", "RESOLVED", "STARTING", "STOPPING", "ACTIVE"};

    private FrameworkReport() {
    }

    /** The bundle context of the probe holding {@code testClass}, or null outside the framework. */
    public static BundleContext contextOf(Class<?> testClass) {
        Bundle b = FrameworkUtil.getBundle(testClass);
        return b == null ? null : b.getBundleContext();
    }

    /**
     * Inside the framework, waits up to {@code timeoutMs} for a service {@code type}, and fails with the report if
     * none registers. Outside it (Pax Exam's driver side), does nothing.
     */
    public static void awaitService(Class<?> testClass, Class<?> type, long timeoutMs) {
        BundleContext context = contextOf(testClass);
        if (context == null) return;
        ServiceTracker<?, ?> tracker = new ServiceTracker<>(context, type.getName(), null);
        tracker.open(true);
        try {
            if (tracker.waitForService(timeoutMs) == null) {
                throw new AssertionError("no " + type.getName() + " service within " + timeoutMs + " ms\n" + describe(context));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + type.getName(), e);
        } finally {
            tracker.close();
        }
    }

    /** Prints the report when a test fails. */
    public static TestWatcher onFailure(Class<?> testClass) {
        return new TestWatcher() {
            @Override
            protected void failed(Throwable e, Description description) {
                BundleContext context = contextOf(testClass);
                if (context == null) return;
                try {
                    System.err.println(description + " failed\n" + describe(context));
                } catch (RuntimeException | LinkageError broken) {
                    System.err.println(description + " failed; no framework report: " + broken);
                }
            }
        };
    }

    /** Bundles (state, start level, why an installed one does not resolve), platform services, DS components. */
    public static String describe(BundleContext context) {
        StringBuilder out = new StringBuilder("---- framework report ----\n");
        for (Bundle b : context.getBundles()) {
            out.append(String.format("  #%-3d %-45s %-22s %-11s level %s%n", b.getBundleId(), b.getSymbolicName(),
                    b.getVersion(), STATES[Integer.numberOfTrailingZeros(b.getState())], startLevel(b)));
            if (b.getState() == Bundle.INSTALLED && b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                out.append("       does not resolve: ").append(resolutionError(b)).append('\n');
            }
        }
        for (String type : new String[]{"dev.serpentine.bridge.PythonRuntime", "dev.serpentine.ffi.binding.CPythonBinding",
                "dev.serpentine.ffi.abi.CPythonAbi", "org.osgi.service.cm.ConfigurationAdmin"}) {
            out.append("  services ").append(type).append(":\n");
            for (ServiceReference<?> r : references(context, type)) {
                out.append("    ").append(properties(r)).append('\n');
            }
        }
        try {
            out.append(ScrReport.describe(context));
        } catch (LinkageError e) {
            out.append("  (no DS runtime API to list components: ").append(e).append(")\n");
        }
        return out.append("--------------------------").toString();
    }

    /** The registered services of {@code type} (by name: the probe need not see the class). */
    public static ServiceReference<?>[] references(BundleContext context, String type) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(type, null);
            return refs == null ? new ServiceReference<?>[0] : refs;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The properties of a service, sorted, without objectClass noise. */
    public static Map<String, Object> properties(ServiceReference<?> r) {
        Map<String, Object> p = new TreeMap<>();
        for (String key : r.getPropertyKeys()) {
            Object v = r.getProperty(key);
            p.put(key, v instanceof Object[] a ? Arrays.toString(a) : v);
        }
        p.put("bundle", r.getBundle() == null ? null : r.getBundle().getSymbolicName() + " " + r.getBundle().getVersion());
        return p;
    }

    private static String startLevel(Bundle b) {
        BundleStartLevel sl = b.adapt(BundleStartLevel.class);
        return sl == null ? "-" : String.valueOf(sl.getStartLevel());
    }

    /** Felix says why a bundle does not resolve only when asked to start it. */
    private static String resolutionError(Bundle b) {
        try {
            b.start(Bundle.START_TRANSIENT);
            return "(resolved and started now)";
        } catch (BundleException | RuntimeException e) {
            return e.getMessage();
        }
    }

    /** Waits for a condition; the last value is returned for the assertion message. */
    public static <T> T poll(java.util.function.Supplier<T> value, java.util.function.Predicate<T> done, long timeoutMs)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        T last = value.get();
        while (!done.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            last = value.get();
        }
        return last;
    }
}
