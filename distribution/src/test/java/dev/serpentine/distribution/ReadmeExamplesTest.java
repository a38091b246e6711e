package dev.serpentine.distribution;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import javax.inject.Inject;
import java.nio.file.Path;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

/**
 * The README's {@code osgi} example as a user ships it: compiled and built into a bundle by bnd (its DS descriptor
 * generated from the annotations), installed into Felix beside the platform, where SCR injects the
 * {@code PythonRuntime} and registers the {@code PythonGreeter} service. Its own Surefire execution (own JVM).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ReadmeExamplesTest extends PlatformTestBase {

    @Inject
    BundleContext context;

    @Override
    protected String backend() {
        return "ffm";
    }

    static Path exampleBundle() {
        return Path.of(PlatformOptions.required(PlatformOptions.WORK_DIR), "readme-osgi-example.jar");
    }

    /** Driver side, before the framework starts: builds the example bundle (bnd and javac are not in the framework). */
    @Override
    @Configuration
    public Option[] config() {
        try {
            ReadmeBundle.build("osgi", "PythonGreeter", "readme.osgi.example", exampleBundle());
        } catch (Exception e) {
            throw new AssertionError("building the README's osgi example: " + e.getMessage(), e);
        }
        return super.config();
    }

    @Test
    public void theOsgiExampleGreetsThroughThePythonRuntimeService() throws Exception {
        Bundle example = context.installBundle(exampleBundle().toUri().toString());
        try {
            assertNotNull("bnd generated the DS descriptor", example.getHeaders().get("Service-Component"));
            example.start();
            ServiceReference<?>[] registered = FrameworkReport.poll(example::getRegisteredServices, r -> r != null, TIMEOUT_MS);
            assertNotNull("the README's bundle registers its service within " + TIMEOUT_MS + " ms", registered);
            Object greeter = context.getService(registered[0]); // SCR activates it: constructor injection
            try {
                assertEquals("the service's class", "PythonGreeter", greeter.getClass().getSimpleName());
                assertEquals("Hello, Serpentine!",
                        greeter.getClass().getMethod("greet", String.class).invoke(greeter, "Serpentine"));
            } finally {
                context.ungetService(registered[0]);
            }
        } finally {
            example.uninstall();
        }
    }
}
