package dev.serpentine.distribution;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.json.Json;
import dev.serpentine.bridge.json.JsonDecoder;
import dev.serpentine.bridge.json.JsonEncoder;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import javax.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/**
 * Hot swap under load through Apache Felix FileInstall: 8 threads (4 platform, 4 virtual where the JVM has them,
 * else platform ones too)
 * call {@code dumps}/{@code loads} from Java and from Python without pause, each result checked, while newer releases
 * of the serializer, the deserializer and the ABI bundle of the running interpreter are dropped into the hot-deploy
 * folder (51 in all, each built now from the reactor's jar with a higher {@code Bundle-Version}); each is waited for
 * until it is the one in use, then the release before it is deleted. Not one call may fail. Then broken releases — an
 * ABI bundle with a wrong layout, one of another CPython version under this one's tag, a serializer that fails to
 * activate (and ranks higher) — are refused with a logged reason while the bound ones stay in service.
 * Its own Surefire executions: FFM on JDK 25, JNA on JDK 17.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class HotSwapTest extends PlatformTestBase {

    static final int RELEASES_PER_BUNDLE = 17; // x 3 bundles = 51 drops
    static final int PLATFORM_THREADS = 4;
    static final int VIRTUAL_THREADS = 4;
    /** Compact, ASCII, as json and dumps both write it: loads then dumps gives it back byte for byte. */
    static final byte[] DOC = ("{\"name\":\"serpentine\",\"values\":[1,-2.5,0.1,null,true,false],"
            + "\"nested\":{\"k\":[{\"a\":\"b\"},[]],\"empty\":{}}}").getBytes(StandardCharsets.US_ASCII);
    static final String FRAGMENT = "{\"fragment\":[1,2]}";

    @Inject
    @Filter(timeout = TIMEOUT_MS)
    PythonRuntime runtime;

    @Inject
    BundleContext context;

    @Override
    protected String backend() {
        return JsonCodecsTest.itBackend();
    }

    static Path folder() {
        return Path.of(PlatformOptions.required(PlatformOptions.WORK_DIR), "hot-deploy-" + JsonCodecsTest.itBackend());
    }

    static Path staging() {
        return Path.of(PlatformOptions.required(PlatformOptions.WORK_DIR), "staging-" + JsonCodecsTest.itBackend());
    }

    /** Driver side: an empty hot-deploy folder, watched by FileInstall. */
    @Override
    @Configuration
    public Option[] config() {
        try {
            for (Path dir : List.of(folder(), staging())) {
                Files.createDirectories(dir);
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path f : (Iterable<Path>) files::iterator) Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Option[] platform = super.config();
        Option[] all = Arrays.copyOf(platform, platform.length + 1);
        all[platform.length] = PlatformOptions.hotDeploy(folder());
        return all;
    }

    /** A bundle of the platform that is released again: where it is built, and what tells it is in use. */
    private record Kind(String folder, String artifact, String bsn, Class<?> service) {
    }

    private Kind abiKind() {
        String tag = runtime.abi().tag();
        return new Kind("ffi-core/abi-" + tag, "abi-" + tag, "dev.serpentine.abi." + tag, null);
    }

    @Test
    public void a_newerReleasesDroppedIntoTheFolderTakeOverWithoutOneFailedCall() throws Exception {
        List<Kind> kinds = List.of(new Kind("serializer", "serializer", "dev.serpentine.serializer", JsonEncoder.class),
                new Kind("deserializer", "deserializer", "dev.serpentine.deserializer", JsonDecoder.class), abiKind());
        runtime.call(python -> {
            try (PyRef main = python.importModule("__main__")) {
                python.setAttr(main, "_hot_doc", DOC);
                python.setAttr(main, "_hot_fragment_json", FRAGMENT.getBytes(StandardCharsets.US_ASCII));
            }
            // The Fragment is made once, before any swap: every serializer release must still write it.
            python.exec("import json, serpentine\n"
                    + "_hot_fragment = serpentine.Fragment(_hot_fragment_json)\n"
                    + "def _hot_check():\n"
                    + "    v = serpentine.loads(_hot_doc)\n"
                    + "    if v != json.loads(_hot_doc):\n"
                    + "        return 'loads gave %r' % (v,)\n"
                    + "    out = serpentine.dumps([_hot_fragment, v])\n"
                    + "    if out != b'[' + _hot_fragment_json + b',' + _hot_doc + b']':\n"
                    + "        return 'dumps gave %r' % (out,)\n"
                    + "    return 'ok'\n");
            return null;
        });

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong javaCalls = new AtomicLong();
        AtomicLong pythonCalls = new AtomicLong();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < PLATFORM_THREADS + VIRTUAL_THREADS; i++) {
            boolean fromJava = i % 2 == 0;
            Runnable caller = () -> {
                while (!stop.get()) {
                    try {
                        if (fromJava) {
                            callFromJava();
                            javaCalls.incrementAndGet();
                        } else {
                            callFromPython();
                            pythonCalls.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
            };
            Thread t = i < PLATFORM_THREADS ? null : virtualThread(caller);
            if (t == null) t = new Thread(caller, "hot-swap-caller-" + i); // no virtual threads on JDK 17: 8 platform ones
            threads.add(t);
            t.start();
        }
        long virtual = threads.stream().filter(HotSwapTest::isVirtual).count();
        if (Runtime.version().feature() >= 21) assertEquals("virtual callers", VIRTUAL_THREADS, virtual);

        int drops = 0;
        long started = System.nanoTime();
        try {
            for (int release = 1; release <= RELEASES_PER_BUNDLE; release++) {
                for (Kind kind : kinds) {
                    swapTo(kind, "0.2." + release);
                    drops++;
                }
            }
            long before = javaCalls.get() + pythonCalls.get();
            FrameworkReport.poll(() -> javaCalls.get() + pythonCalls.get(), n -> n >= before + 200, TIMEOUT_MS);
        } finally {
            stop.set(true);
            for (Thread t : threads) t.join(TIMEOUT_MS);
        }
        System.out.printf("[hot-swap-%s] %d releases dropped in %.1f s; %d Java and %d Python calls on %d threads"
                        + " (%d virtual), %d failed%n", backend(), drops, (System.nanoTime() - started) / 1e9,
                javaCalls.get(), pythonCalls.get(), threads.size(), virtual, failures.size());
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " failed calls, first: " + failures.get(0), failures.get(0));
        }
        assertTrue("at least 50 releases dropped", drops >= 50);
        assertTrue("calls from Java: " + javaCalls, javaCalls.get() >= 100);
        assertTrue("calls from Python: " + pythonCalls, pythonCalls.get() >= 100);
        for (Kind kind : kinds) {
            assertEquals(kind.bsn() + " left installed", List.of(kind.bsn() + " 0.2." + RELEASES_PER_BUNDLE),
                    bundles(kind.bsn()).stream().map(b -> b.getSymbolicName() + " " + b.getVersion()).toList());
        }
        assertEquals("the ABI bundle bound", "0.2." + RELEASES_PER_BUNDLE, runtime.abi().bundleVersion());
    }

    private void callFromJava() {
        runtime.call(python -> {
            try (PyRef value = Json.loads(python, DOC)) {
                byte[] out = Json.dumps(python, value);
                if (!Arrays.equals(DOC, out)) {
                    throw new AssertionError("Json.dumps(Json.loads(doc)) wrote " + new String(out, StandardCharsets.UTF_8));
                }
            }
            return null;
        });
    }

    private void callFromPython() {
        String answer = runtime.call(python -> {
            try (PyRef r = python.eval("_hot_check()")) {
                return (String) python.toJava(r);
            }
        });
        if (!"ok".equals(answer)) throw new AssertionError(answer);
    }

    /**
     * Drops release {@code version} of {@code kind} into the folder, waits until it is the one in use, then deletes
     * the release before it (FileInstall uninstalls it; one installed otherwise is uninstalled here).
     */
    private void swapTo(Kind kind, String version) throws Exception {
        Path built = PlatformOptions.reactorJar(kind.folder(), kind.artifact());
        Path jar = staging().resolve(kind.artifact() + "-" + version + ".jar");
        if (kind.service() == null) {
            String layout = "dev/serpentine/abi/" + kind.artifact().substring(4) + "/layout.properties";
            BundleReleases.withVersion(built, jar, layout, BUILT_VERSION, version);
        } else {
            BundleReleases.withVersion(built, jar, version, Map.of());
        }
        drop(jar);
        Bundle fresh = FrameworkReport.poll(() -> bundle(kind.bsn(), version), b -> b != null && inUse(kind, b), TIMEOUT_MS);
        if (fresh == null || !inUse(kind, fresh)) {
            throw new AssertionError(kind.bsn() + " " + version + " not in use:\n" + FrameworkReport.describe(context));
        }
        for (Bundle old : bundles(kind.bsn())) {
            if (old.equals(fresh)) continue;
            Path file = fileOf(old);
            if (file != null) Files.delete(file);
            else old.uninstall();
        }
        List<Bundle> left = FrameworkReport.poll(() -> bundles(kind.bsn()), l -> l.size() == 1, TIMEOUT_MS);
        assertEquals(kind.bsn() + " after deleting the release before " + version, List.of(fresh), left);
        assertTrue(kind.bsn() + " " + version + " in use", inUse(kind, fresh));
    }

    /** Into the watched folder in one step: FileInstall never sees half a jar. */
    private static void drop(Path jar) throws IOException {
        Files.move(jar, folder().resolve(jar.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The ABI bundle is in use when the runtime reports its version; a codec when its component has activated (the
     * bridge's getService returned) and the bridge holds its service. Only then may the release before it go: the
     * bridge counts as a user while the component is still activating, before the service is bound.
     */
    private boolean inUse(Kind kind, Bundle b) {
        if (b.getState() != Bundle.ACTIVE) return false;
        if (kind.service() == null) return b.getVersion().toString().equals(runtime.abi().bundleVersion());
        String[] component = ScrReport.configuration(context, b.getSymbolicName(), b.getVersion().toString());
        if (component == null || !component[0].equals("ACTIVE")) return false;
        ServiceReference<?>[] services = b.getRegisteredServices();
        if (services == null) return false;
        for (ServiceReference<?> s : services) {
            if (!Arrays.asList((String[]) s.getProperty("objectClass")).contains(kind.service().getName())) continue;
            Bundle[] users = s.getUsingBundles();
            if (users != null) for (Bundle u : users) if ("dev.serpentine.bridge".equals(u.getSymbolicName())) return true;
        }
        return false;
    }

    private List<Bundle> bundles(String bsn) {
        List<Bundle> found = new ArrayList<>();
        for (Bundle b : context.getBundles()) if (bsn.equals(b.getSymbolicName())) found.add(b);
        return found;
    }

    private Bundle bundle(String bsn, String version) {
        for (Bundle b : bundles(bsn)) if (b.getVersion().toString().equals(version)) return b;
        return null;
    }

    /** The file FileInstall installed {@code b} from, or null. */
    private static Path fileOf(Bundle b) {
        String location = b.getLocation();
        if (!location.startsWith("file:")) return null;
        Path file = Path.of(java.net.URI.create(location)).toAbsolutePath().normalize();
        return file.startsWith(folder().toAbsolutePath().normalize()) ? file : null;
    }

    /** A virtual thread (Java 21+), or null on an older JVM; by reflection: these classes compile for Java 17. */
    private static Thread virtualThread(Runnable task) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            return (Thread) builderType.getMethod("unstarted", Runnable.class).invoke(builder, task);
        } catch (NoSuchMethodException | ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isVirtual(Thread t) {
        try {
            return (Boolean) Thread.class.getMethod("isVirtual").invoke(t);
        } catch (NoSuchMethodException e) {
            return false;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- refusals ---------------------------------------------------------------------------------------------

    private static final Pattern BYTES_DATA = Pattern.compile("(?m)^bytesData\\s*=\\s*(\\d+)");

    @Test
    public void b_brokenOrMismatchedAbiBundlesAndAFailingCodecAreRefusedAndTheBoundOnesStay() throws Exception {
        String tag = runtime.abi().tag();
        String boundAbi = runtime.abi().bundleVersion();
        LoggedWarnings warnings = LoggedWarnings.of("dev.serpentine.ffi.abi.AbiSelector");
        List<Path> dropped = new ArrayList<>();
        try {
            // A release of this version's ABI bundle with a wrong offset in its layout.
            String layout = "dev/serpentine/abi/" + tag + "/layout.properties";
            Path broken = BundleReleases.withVersion(PlatformOptions.reactorJar("ffi-core/abi-" + tag, "abi-" + tag),
                    staging().resolve("abi-" + tag + "-9.0.0.jar"), "9.0.0", Map.of(layout,
                            text -> wrongBytesData(BundleReleases.replace(text, "bundle.version = " + BUILT_VERSION,
                                    "bundle.version = 9.0.0"))));
            // Another CPython version's ABI bundle claiming this version's tag.
            String other = tag.equals("cp314") ? "cp313" : "cp314";
            Path mismatched = BundleReleases.withVersion(PlatformOptions.reactorJar("ffi-core/abi-" + other, "abi-" + other),
                    staging().resolve("abi-" + other + "-as-" + tag + "-9.1.0.jar"), "9.1.0", Map.of(
                            "dev/serpentine/abi/" + other + "/layout.properties",
                            text -> BundleReleases.replace(BundleReleases.replace(text, "abi.tag = " + other, "abi.tag = " + tag),
                                    "bundle.version = " + BUILT_VERSION, "bundle.version = 9.1.0")));
            for (Path jar : List.of(broken, mismatched)) {
                drop(jar);
                dropped.add(folder().resolve(jar.getFileName()));
            }
            List<String> refusals = FrameworkReport.poll(warnings::messages,
                    w -> w.stream().anyMatch(m -> m.contains(" 9.0.0 ")) && w.stream().anyMatch(m -> m.contains(" 9.1.0 ")),
                    TIMEOUT_MS);
            System.out.println("[hot-swap-" + backend() + "] refusals logged: " + refusals);
            assertTrue("the broken ABI bundle refused with a reason: " + refusals, refusals.stream().anyMatch(m ->
                    m.startsWith("ABI bundle " + tag + " 9.0.0 (default) refused") && m.contains("PyBytesObject.ob_sval")));
            assertTrue("the mismatched ABI bundle refused with a reason: " + refusals, refusals.stream().anyMatch(m ->
                    m.startsWith("ABI bundle " + tag + " 9.1.0 (default) refused: CPython ")));
            assertEquals("the bound ABI bundle stays", boundAbi, runtime.abi().bundleVersion());
            checkCalls();

            // A serializer release that fails to activate (its helpers raise) and ranks above the one in use.
            String xml = "OSGI-INF/dev.serpentine.serializer.SerializerService.xml";
            Path failing = BundleReleases.withVersion(PlatformOptions.reactorJar("serializer", "serializer"),
                    staging().resolve("serializer-9.2.0.jar"), "9.2.0", Map.of(
                            "dev/serpentine/serializer/helpers.py", text -> "raise RuntimeError('release 9.2.0 is broken')\n" + text,
                            xml, text -> BundleReleases.replace(text, "<service>",
                                    "<property name=\"service.ranking\" type=\"Integer\" value=\"100\"/>\n  <service>")));
            drop(failing);
            dropped.add(folder().resolve(failing.getFileName()));
            String[] refused = FrameworkReport.poll(
                    () -> ScrReport.configuration(context, "dev.serpentine.serializer", "9.2.0"),
                    c -> c != null && c[0].equals("FAILED_ACTIVATION"), TIMEOUT_MS);
            assertEquals("the failing serializer's component", "FAILED_ACTIVATION", refused == null ? null : refused[0]);
            System.out.println("[hot-swap-" + backend() + "] serializer 9.2.0 refused: "
                    + refused[1].lines().limit(3).toList());
            assertTrue("its reason, recorded by SCR: " + refused[1], refused[1].contains("release 9.2.0 is broken"));
            assertEquals("the bound ABI bundle stays", boundAbi, runtime.abi().bundleVersion());
            checkCalls();
        } finally {
            warnings.close();
            for (Path f : dropped) Files.deleteIfExists(f);
        }
        assertEquals("refused bundles uninstalled again", List.of(), FrameworkReport.poll(() -> refusedLeft(), List::isEmpty, TIMEOUT_MS));
        checkCalls();
    }

    /** Both directions work, with correct output (the corpus's github document and the load test's checks). */
    private void checkCalls() {
        byte[] github = Corpus.read("github");
        runtime.call(python -> {
            Corpus.checkFromJava(python, "github", github);
            Corpus.checkFromPython(python, "github", github);
            return null;
        });
    }

    private static String wrongBytesData(String layout) {
        Matcher m = BYTES_DATA.matcher(layout);
        if (!m.find()) throw new IllegalStateException("no bytesData in the layout");
        return m.replaceFirst("bytesData = " + (Integer.parseInt(m.group(1)) + 1));
    }

    private List<String> refusedLeft() {
        List<String> left = new ArrayList<>();
        for (Bundle b : context.getBundles()) if (b.getVersion().getMajor() == 9) left.add(b.getSymbolicName());
        return left;
    }
}
