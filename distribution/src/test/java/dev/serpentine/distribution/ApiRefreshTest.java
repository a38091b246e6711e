package dev.serpentine.distribution;

import dev.serpentine.bridge.PythonRuntime;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;

import javax.inject.Inject;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/**
 * A refresh of the api bundle ({@code dev.serpentine.ffi}) while CPython runs: every platform bundle gets a new class
 * space, with fresh statics, and the runtime component activates again. It must adopt the running interpreter —
 * the same CPython, with the state Python code left in it — instead of refusing it as initialized by someone else.
 * The codec bundles, refreshed with it, serve {@code dumps}/{@code loads} again, and a {@code serpentine.Fragment}
 * made before the refresh is still one.
 * Its own Surefire execution, hence its own JVM (CPython runs once per process).
 *
 * <p>This probe bundle imports the bridge's package, so it is refreshed too: after the refresh the test only uses
 * the system bundle's context and classes it loaded before.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ApiRefreshTest extends PlatformTestBase {

    private static final String RUNTIME = "dev.serpentine.bridge.PythonRuntime";

    @Inject
    @Filter(timeout = TIMEOUT_MS)
    PythonRuntime runtime;

    @Inject
    BundleContext context;

    @Override
    protected String backend() {
        return "ffm";
    }

    @Test
    public void refreshingTheApiBundleAdoptsTheRunningInterpreter() throws Exception {
        runtime.call(py -> {
            py.exec("kept = 'set before the refresh'\n"
                    + "kept_fragment = __import__('serpentine').Fragment(b'[\"made before\"]')");
            return null;
        });
        String before = runtime.toString();
        BundleContext system = context.getBundle(0).getBundleContext();
        Bundle api = null;
        for (Bundle b : system.getBundles()) {
            if ("dev.serpentine.ffi".equals(b.getSymbolicName())) api = b;
        }
        assertNotNull("the api bundle", api);
        Object oldId = context.getServiceReference(PythonRuntime.class).getProperty("service.id");
        Class<?> oldRuntimeClass = PythonRuntime.class;
        InvocationHandler readKept = new Eval("kept");
        // The codecs after the refresh (they import the bridge, so they are refreshed too): a Fragment made before
        // it, serpentine.loads and dumps, all from the new class spaces.
        InvocationHandler roundTrip = new Eval("__import__('serpentine').dumps({'kept': kept, 'fragment': kept_fragment,"
                + " 'loaded': __import__('serpentine').loads(b'[1.5,\"\\u00e9\",null]')}).decode()");
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch refreshed = new CountDownLatch(1);

        system.getBundle().adapt(FrameworkWiring.class).refreshBundles(List.of(api), event -> {
            if (event.getType() == FrameworkEvent.ERROR) errors.incrementAndGet();
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) refreshed.countDown();
        });
        assertTrue("the refresh ended", refreshed.await(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertEquals("framework errors during the refresh", 0, errors.get());

        ServiceReference<?> ref = null;
        for (long waited = 0; ref == null && waited < TIMEOUT_MS; waited += 100) {
            ServiceReference<?>[] refs = system.getAllServiceReferences(RUNTIME, null);
            if (refs != null && !refs[0].getProperty("service.id").equals(oldId)) ref = refs[0];
            else Thread.sleep(100);
        }
        // Described only on failure: describing loads classes through this probe's wiring, which the refresh retired.
        if (ref == null) fail("no PythonRuntime registered again after the refresh:\n" + FrameworkReport.describe(system));
        Object adopted = system.getService(ref);
        try {
            Class<?> runtimeClass = adopted.getClass().getClassLoader().loadClass(RUNTIME);
            assertNotSame("a new class space", oldRuntimeClass, runtimeClass);
            System.out.println("[osgi-refresh] before: " + before + "; after: " + adopted);
            assertEquals("the same interpreter, build, ABI and backend", before, adopted.toString());
            Class<?> task = runtimeClass.getClassLoader().loadClass("dev.serpentine.bridge.GilTask");
            Object read = Proxy.newProxyInstance(task.getClassLoader(), new Class<?>[]{task}, readKept);
            Object kept = runtimeClass.getMethod("call", task).invoke(adopted, read);
            assertEquals("Python state from before the refresh: the same CPython", "set before the refresh", kept);
            Object proxy = Proxy.newProxyInstance(task.getClassLoader(), new Class<?>[]{task}, roundTrip);
            String expected = "{\"kept\":\"set before the refresh\",\"fragment\":[\"made before\"],\"loaded\":[1.5,\"\u00e9\",null]}";
            Object json = FrameworkReport.poll(() -> {
                try {
                    return runtimeClass.getMethod("call", task).invoke(adopted, proxy);
                } catch (ReflectiveOperationException e) {
                    return e.getCause(); // no codec bound yet: RuntimeError until the codec bundles are back
                }
            }, expected::equals, TIMEOUT_MS);
            System.out.println("[osgi-refresh] codecs after the refresh: " + json);
            assertEquals("dumps/loads after the refresh", expected, json);
        } finally {
            system.ungetService(ref);
        }
        assertNotEquals(oldId, ref.getProperty("service.id"));
    }

    /** {@code GilTask} of the refreshed bridge: {@code python.toJava(python.eval(expression))}, by reflection. */
    private static final class Eval implements InvocationHandler {
        private final String expression;

        Eval(String expression) {
            this.expression = expression;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Exception {
            if (!method.getName().equals("call")) throw new UnsupportedOperationException(method.getName());
            Object python = args[0];
            Class<?> ref = method.getDeclaringClass().getClassLoader().loadClass("dev.serpentine.bridge.PyRef");
            Class<?> api = method.getParameterTypes()[0];
            try (AutoCloseable value = (AutoCloseable) api.getMethod("eval", String.class).invoke(python, expression)) {
                return api.getMethod("toJava", ref).invoke(python, value);
            }
        }
    }
}
