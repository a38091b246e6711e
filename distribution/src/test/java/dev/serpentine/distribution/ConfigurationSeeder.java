package dev.serpentine.distribution;

import org.ops4j.pax.tinybundles.TinyBundles;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Properties;

/**
 * A one-class bundle that writes one configuration into ConfigAdmin the moment ConfigAdmin registers — before any
 * bundle of a later start level starts, so SCR activates the configured component with it, never without it first.
 *
 * <p>Like pax-exam-cm's {@code newConfiguration(pid)}, which does the same but builds its bundle with bnd (bndlib on
 * the test class path); this one is built with TinyBundles' raw builder on the driver side.
 */
public final class ConfigurationSeeder implements BundleActivator, ServiceTrackerCustomizer<ConfigurationAdmin, ConfigurationAdmin> {

    private static final String RESOURCE = "configuration.properties";
    private static final String PID_KEY = "service.pid";

    private BundleContext context;
    private ServiceTracker<ConfigurationAdmin, ConfigurationAdmin> tracker;
    private final Properties configuration = new Properties();

    /** The seeding bundle for {@code pid} with String properties {@code properties}. */
    public static InputStream bundle(String pid, Map<String, String> properties) {
        Properties p = new Properties();
        p.putAll(properties);
        p.put(PID_KEY, pid);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            p.store(bytes, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TinyBundles.bundle()
                .symbolicName("dev.serpentine.it.configuration." + pid)
                .setHeader(Constants.BUNDLE_MANIFESTVERSION, "2")
                .setHeader(Constants.IMPORT_PACKAGE, "org.osgi.framework,org.osgi.service.cm,org.osgi.util.tracker")
                .activator(ConfigurationSeeder.class)
                .addClass(ConfigurationSeeder.class)
                .addResource(RESOURCE, new ByteArrayInputStream(bytes.toByteArray()))
                .build(TinyBundles.rawBuilder());
    }

    @Override
    public void start(BundleContext context) throws IOException {
        this.context = context;
        try (InputStream in = context.getBundle().getEntry(RESOURCE).openStream()) {
            configuration.load(in);
        }
        tracker = new ServiceTracker<>(context, ConfigurationAdmin.class, this);
        tracker.open();
    }

    @Override
    public void stop(BundleContext context) {
        tracker.close();
    }

    @Override
    public ConfigurationAdmin addingService(ServiceReference<ConfigurationAdmin> reference) {
        ConfigurationAdmin admin = context.getService(reference);
        Dictionary<String, Object> properties = new Hashtable<>();
        configuration.stringPropertyNames().stream().filter(k -> !k.equals(PID_KEY))
                .forEach(k -> properties.put(k, configuration.getProperty(k)));
        try {
            // "?": any bundle may receive it (SCR reads it on behalf of the component's bundle).
            admin.getConfiguration(configuration.getProperty(PID_KEY), "?").update(properties);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return admin;
    }

    @Override
    public void modifiedService(ServiceReference<ConfigurationAdmin> reference, ConfigurationAdmin service) {
    }

    @Override
    public void removedService(ServiceReference<ConfigurationAdmin> reference, ConfigurationAdmin service) {
        context.ungetService(reference);
    }
}
