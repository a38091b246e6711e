package dev.serpentine.distribution;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.json.Json;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import javax.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * A codec bundle replaced at runtime under load: an example codec (built at test time from
 * {@code ExampleCodec.java.txt} with bnd, never shipped) adds a {@code serpentine} function and registers an encoder
 * through the platform SPI alone. Release 2 (higher {@code service.ranking}) is installed while 8 threads call
 * {@code serpentine.dumps}, the new function and the Java facade; then release 1 is stopped and uninstalled. Not one
 * call may fail. Its own Surefire execution (own JVM), on FFM.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CodecSwapTest extends PlatformTestBase {

    static final int THREADS = 8;

    @Inject
    @Filter(timeout = TIMEOUT_MS)
    PythonRuntime runtime;

    @Inject
    BundleContext context;

    @Override
    protected String backend() {
        return "ffm";
    }

    static Path exampleBundle(String release) {
        return Path.of(PlatformOptions.required(PlatformOptions.WORK_DIR), "example-codec-" + release + ".jar");
    }

    /** Driver side, before the framework starts: builds both releases of the example codec. */
    @Override
    @Configuration
    public Option[] config() {
        try (InputStream in = CodecSwapTest.class.getResourceAsStream("ExampleCodec.java.txt")) {
            String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String[] release : new String[][]{{"v1", "10"}, {"v2", "20"}}) {
                String source = template.replace("EXAMPLE_VERSION", release[0]).replace("EXAMPLE_RANKING", release[1]);
                ReadmeBundle.build(source, "ExampleCodec", "example.codec." + release[0], exampleBundle(release[0]),
                        Map.of("Import-Package", "dev.serpentine.bridge.spi;serpentine=platform,"
                                + "dev.serpentine.ffi.binding;serpentine=platform,dev.serpentine.ffi.view;serpentine=platform,*"));
            }
        } catch (Exception e) {
            throw new AssertionError("building the example codec: " + e.getMessage(), e);
        }
        return super.config();
    }

    /** One round of calls: what dumps, the codec's function and the facade answered, e.g. "v1 v1 v1". */
    private String round() {
        return runtime.call(python -> {
            try (PyRef r = python.eval("'%s %s' % (__import__('serpentine').dumps(7).decode()[1:-1],"
                    + " __import__('serpentine').example_version())"); PyRef seven = python.eval("7")) {
                String facade = new String(Json.dumps(python, seven), StandardCharsets.UTF_8);
                return python.toJava(r) + " " + facade.substring(1, facade.length() - 1);
            }
        });
    }

    @Test
    public void aCodecBundleIsReplacedWhileEightThreadsCallItWithoutOneFailedCall() throws Exception {
        Bundle v1 = context.installBundle(exampleBundle("v1").toUri().toString());
        Bundle v2 = null;
        v1.start();
        assertEquals("release 1 serves", "v1 v1 v1", FrameworkReport.poll(this::roundOrNull, "v1 v1 v1"::equals, TIMEOUT_MS));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<String> afterV1Left = new CopyOnWriteArrayList<>();
        AtomicBoolean v1Gone = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        boolean gone = v1Gone.get();
                        String r = round();
                        seen.add(r);
                        if (gone) afterV1Left.add(r);
                        calls.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            }, "codec-caller-" + i);
            threads.add(t);
            t.start();
        }
        try {
            waitForCalls(calls, 400);
            v2 = context.installBundle(exampleBundle("v2").toUri().toString());
            v2.start();
            FrameworkReport.poll(() -> seen.contains("v2 v2 v2"), Boolean::booleanValue, TIMEOUT_MS);
            waitForCalls(calls, calls.get() + 400);
            v1.stop();
            v1.uninstall();
            v1 = null;
            v1Gone.set(true);
            waitForCalls(calls, calls.get() + 400);
        } finally {
            stop.set(true);
            for (Thread t : threads) t.join(TIMEOUT_MS);
            if (v1 != null) v1.uninstall();
            if (v2 != null) v2.uninstall();
        }
        System.out.println("[codec-swap] " + calls.get() + " rounds of 3 calls on " + THREADS + " threads; answers " + seen);
        if (!failures.isEmpty()) throw new AssertionError(failures.size() + " failed calls, first: " + failures.get(0), failures.get(0));
        assertTrue("release 1 answered: " + seen, seen.contains("v1 v1 v1"));
        assertTrue("release 2 answered: " + seen, seen.contains("v2 v2 v2"));
        assertTrue("rounds after release 1 left", !afterV1Left.isEmpty());
        for (String r : afterV1Left) assertEquals("only release 2 once release 1 has left", "v2 v2 v2", r);
        // both gone: the function left with its last provider
        assertEquals(Boolean.FALSE, runtime.call(python -> {
            try (PyRef r = python.eval("hasattr(__import__('serpentine'), 'example_version')")) {
                return python.toJava(r);
            }
        }));
        // the platform's own serializer (ranking 0) serves again
        assertEquals("the serializer bundle answers once both left", "7 7", runtime.call(python -> {
            try (PyRef r = python.eval("__import__('serpentine').dumps(7).decode()"); PyRef seven = python.eval("7")) {
                return python.toJava(r) + " " + new String(Json.dumps(python, seven), StandardCharsets.UTF_8);
            }
        }));
    }

    private String roundOrNull() {
        try {
            return round();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void waitForCalls(AtomicLong calls, long atLeast) throws InterruptedException {
        Long reached = FrameworkReport.poll(calls::get, n -> n >= atLeast, TIMEOUT_MS);
        if (reached == null || reached < atLeast) throw new AssertionError("only " + calls.get() + " rounds, expected " + atLeast);
    }
}
