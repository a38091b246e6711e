package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.AbiMismatchException;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.PythonVersion;
import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.abi.AbiSelector;
import dev.serpentine.ffi.abi.AbiVerifier;
import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.abi.LayoutAbi;
import dev.serpentine.ffi.view.CPythonViews;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Choosing the ABI bundle for the running interpreter and refusing wrong ones: unsupported versions, bundles of
 * other versions or flavours only, and layouts whose facts do not match the live interpreter.
 */
class AbiSelectionTest {

    private static final List<String> ALL_TAGS = List.of("cp39", "cp310", "cp311", "cp312", "cp313", "cp314");
    private static final String ALL_SUPPORTED = "cp39, cp310, cp311, cp312, cp313, cp314";

    private static String tag() {
        return Live.INTERPRETER.version().abiTag();
    }

    /** The installed bundle for the running version. */
    private static CPythonAbi runningBundle() {
        return Live.ABIS.stream().filter(a -> a.tag().equals(tag())).findFirst().orElseThrow();
    }

    // --- the bundles -----------------------------------------------------------------------------------------

    @Test
    void boundAbiIsTheOneForTheRunningVersion() {
        CPythonAbi bound = Live.VIEWS.abi();
        assertEquals(tag(), bound.tag());
        assertEquals("default", bound.flavour());
        assertEquals("default", Live.INTERPRETER.flavour().layoutName());
        assertSame(runningBundle(), bound);
        assertEquals(tag(), bound.layout().tag);
        // verifying it again succeeds and gives views of the same bundle
        assertSame(bound, AbiVerifier.verify(Live.INTERPRETER, bound, AbiSelector.supported(Live.ABIS)).abi());
    }

    @Test
    void everyBundleLoadsAndDeclaresItsTag() {
        List<String> tags = Live.ABIS.stream().map(CPythonAbi::tag).sorted(Comparator.comparingInt(
                t -> Integer.parseInt(t.substring(3)))).toList();
        assertEquals(ALL_TAGS, tags);
        for (CPythonAbi abi : Live.ABIS) {
            int minor = Integer.parseInt(abi.tag().substring(3));
            String name = abi.tag();
            assertEquals("Cp" + abi.tag().substring(2) + "Abi", abi.getClass().getSimpleName(), name);
            assertEquals(abi.tag(), abi.layout().tag, name);
            assertEquals("default", abi.flavour(), name);
            assertTrue(abi.bundleVersion().matches("\\d+\\.\\d+\\.\\d+.*"),
                    name + ": bundle.version must be filtered from the pom, was " + abi.bundleVersion());
            AbiLayout l = abi.layout();
            assertEquals(8, l.obType, name);
            assertEquals(minor >= 12 ? AbiLayout.IntEncoding.TAGGED : AbiLayout.IntEncoding.SIGNED_SIZE, l.intEncoding, name);
            assertEquals(minor <= 10 ? AbiLayout.DictKeys.SIZED : minor <= 12 ? AbiLayout.DictKeys.LOG2_ORDER_BEFORE_VALUES
                    : AbiLayout.DictKeys.LOG2_ORDER_AFTER_VALUES, l.dictKeysLayout, name);
            assertEquals(abi.tag() + " (default) bundle " + abi.bundleVersion(), abi.toString());
        }
        assertEquals(ALL_SUPPORTED, AbiSelector.supported(Live.ABIS));
    }

    // --- versions without a bundle ---------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"3.8.18, cp38", "3.15.0a1, cp315", "2.7.18, cp27"})
    void unsupportedVersionIsRefusedBeforeStarting(String version, String missingTag) {
        var e = assertThrows(InterpreterUnavailableException.class,
                () -> AbiSelector.requireBundleFor(PythonVersion.parse(version), Live.ABIS));
        String minor = version.substring(0, version.indexOf('.', 2));
        assertEquals("CPython " + minor + " is not supported: no ABI bundle " + missingTag + " is installed (supported: "
                + ALL_SUPPORTED + ")", e.getMessage());
    }

    @Test
    void supportedVersionsPassTheCheck() {
        AbiSelector.requireBundleFor(Live.INTERPRETER.version(), Live.ABIS);
        for (int minor = 9; minor <= 14; minor++) {
            AbiSelector.requireBundleFor(PythonVersion.parse("3." + minor + ".0"), Live.ABIS);
        }
        var e = assertThrows(InterpreterUnavailableException.class,
                () -> AbiSelector.requireBundleFor(Live.INTERPRETER.version(), List.of()));
        assertTrue(e.getMessage().endsWith("(supported: no ABI bundle installed)"), e.getMessage());
    }

    @Test
    void bindingWithOnlyOtherVersionsBundlesIsRefused() {
        List<CPythonAbi> others = Live.ABIS.stream().filter(a -> !a.tag().equals(tag())).toList();
        assertEquals(ALL_TAGS.size() - 1, others.size());
        var e = assertThrows(AbiMismatchException.class, () -> AbiSelector.bind(Live.INTERPRETER, others));
        String supported = String.join(", ", ALL_TAGS.stream().filter(t -> !t.equals(tag())).toList());
        assertEquals(Live.INTERPRETER.version().toString(), e.version());
        assertEquals("ABI bundle", e.field());
        assertEquals(tag() + " (default)", e.expected());
        assertEquals("none installed for this version and build", e.found());
        assertEquals("CPython " + Live.INTERPRETER.version() + ": ABI bundle expected " + tag() + " (default) but found"
                + " none installed for this version and build (supported: " + supported + ")", e.getMessage());
    }

    @Test
    void otherFlavoursOfTheRunningVersionAreRefused() {
        CPythonAbi freeThreaded = generated(Map.of("abi.flavour", "free-threaded"));
        CPythonAbi traceRefs = generated(Map.of("abi.flavour", "trace-refs"));
        var e = assertThrows(AbiMismatchException.class,
                () -> AbiSelector.bind(Live.INTERPRETER, List.of(freeThreaded, traceRefs)));
        assertEquals("ABI bundle", e.field());
        assertEquals(tag() + " (default)", e.expected());
        assertEquals("none installed for this version and build", e.found());
        assertTrue(e.getMessage().endsWith("(supported: " + tag() + "-free-threaded, " + tag() + "-trace-refs)"),
                e.getMessage());

        // verified directly, a bundle of another flavour is refused before any memory is read through it
        var v = assertThrows(AbiMismatchException.class,
                () -> AbiVerifier.verify(Live.INTERPRETER, freeThreaded, AbiSelector.supported(Live.ABIS)));
        assertEquals("build flavour (abi.flavour) [" + freeThreaded + "]", v.field());
        assertEquals("default", v.expected());
        assertEquals("free-threaded", v.found());
    }

    @Test
    void bundleOfAnotherVersionIsRefusedByVerification() {
        CPythonAbi other = Live.ABIS.stream().filter(a -> !a.tag().equals(tag())).findFirst().orElseThrow();
        var e = assertThrows(AbiMismatchException.class,
                () -> AbiVerifier.verify(Live.INTERPRETER, other, AbiSelector.supported(Live.ABIS)));
        assertEquals("ABI tag (abi.tag) [" + other + "]", e.field());
        assertEquals(tag(), e.expected());
        assertEquals(other.tag(), e.found());
        assertTrue(e.getMessage().endsWith("(supported: " + ALL_SUPPORTED + ")"), e.getMessage());
    }

    // --- wrong layouts ---------------------------------------------------------------------------------------

    /**
     * A copy of the running version's layout with one fact wrong is refused, and the field names the fact and its
     * key. {@code change} is added to the value ({@link LayoutMutationTest} changes every key; these pin the text).
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "strAsciiData | +8 | PyASCIIObject data (strAsciiData = {})",
            "strAsciiData | -8 | PyASCIIObject data (strAsciiData = {})",
            "tupleItems   | +8 | PyTupleObject.ob_item[0] (tupleItems = {})",
            "bytesData    | +1 | PyBytesObject.ob_sval (bytesData = {})",
            "bytesHash    | +8 | PyBytesObject.ob_shash before hashing (bytesHash = {})",
            "floatValue   | +8 | PyFloatObject.ob_fval (floatValue = {})",
            // Pointer fields: a wrong offset lands on a count or flag word, refused before it is followed.
            "tpName         | +8  | PyTypeObject.tp_name of int (tpName = {})",
            "listItems      | +8  | PyListObject.ob_item (listItems = {})",
            "memoryviewMbuf | +16 | PyMemoryViewObject.mbuf (memoryviewMbuf = {})",
            "dictKeys       | -16 | PyDictObject.ma_keys of ",
    })
    void wrongLayoutIsRefusedNamingTheField(String key, String change, String fieldPattern) {
        Properties running = runningLayout();
        String value = String.valueOf(Integer.parseInt(running.getProperty(key).trim())
                + Integer.parseInt(change.replace("+", "")));
        String field = fieldPattern.replace("{}", value);
        CPythonAbi wrong = generated(Map.of(key, value));
        assertEquals(value, String.valueOf(offset(wrong.layout(), key)));

        var e = assertThrows(AbiMismatchException.class,
                () -> AbiVerifier.verify(Live.INTERPRETER, wrong, AbiSelector.supported(Live.ABIS)));
        assertTrue(e.field().startsWith(field), () -> "field should start with '" + field + "': " + e.getMessage());
        assertTrue(e.field().contains(key + " = " + value), e.field());
        assertTrue(e.field().endsWith(" [" + wrong + "]"), e.field());
        assertEquals(Live.INTERPRETER.version().toString(), e.version());
        assertNotEquals(e.expected(), e.found());
        assertTrue(e.getMessage().startsWith("CPython " + Live.INTERPRETER.version() + ": " + field), e.getMessage());
        assertTrue(e.getMessage().endsWith("(supported: " + ALL_SUPPORTED + ")"), e.getMessage());

        // the selector reports the same failure when the wrong layout is the only candidate
        var s = assertThrows(AbiMismatchException.class, () -> AbiSelector.bind(Live.INTERPRETER, List.of(wrong)));
        assertEquals(e.field(), s.field());
    }

    @Test
    void layoutKeysNoViewReadsAreRefused() {
        var unread = assertThrows(IllegalStateException.class, () -> generated(Map.of("headerSize", "16")));
        assertEquals("layout " + tag() + " has headerSize, which no view reads", unread.getMessage());
        String otherEncoding = runningBundle().layout().intEncoding == AbiLayout.IntEncoding.TAGGED
                ? "SIGNED_SIZE" : "TAGGED";
        // an encoding without the keys it needs, or with keys of the other one, is refused as it is read
        var e = assertThrows(IllegalStateException.class, () -> generated(Map.of("intEncoding", otherEncoding)));
        assertTrue(e.getMessage().startsWith("layout " + tag() + " has"), e.getMessage());
        assertTrue(e.getMessage().contains("intTag"), e.getMessage());
    }

    private static int offset(AbiLayout l, String key) {
        try {
            return AbiLayout.class.getField(key).getInt(l);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(key, e);
        }
    }

    // --- choosing among bundles of the running version -------------------------------------------------------

    @Test
    void newestBundleVersionIsPreferred() {
        CPythonAbi v0_2 = generated(Map.of("bundle.version", "0.2.0"));
        CPythonAbi v0_10 = generated(Map.of("bundle.version", "0.10.0"));
        CPythonAbi v0_9 = generated(Map.of("bundle.version", "0.9.3"));
        // numeric, not textual: 0.10.0 > 0.9.3 > 0.2.0
        for (List<CPythonAbi> order : List.of(List.of(v0_2, v0_10, v0_9), List.of(v0_10, v0_9, v0_2),
                List.of(v0_9, v0_2, v0_10))) {
            List<CPythonAbi> candidates = new ArrayList<>(Live.ABIS);
            candidates.addAll(order);
            CPythonViews views = AbiSelector.bind(Live.INTERPRETER, candidates);
            assertSame(v0_10, views.abi(), "chosen from " + order);
        }
        // the installed bundle (0.1.0-SNAPSHOT) loses against a newer one of the same tag
        assertSame(v0_2, AbiSelector.bind(Live.INTERPRETER, List.of(runningBundle(), v0_2)).abi());
    }

    @Test
    void newerBundleThatFailsVerificationGivesWayToAnOlderCorrectOne() {
        Properties running = runningLayout();
        CPythonAbi newerWrong = generated(Map.of("bundle.version", "9.0.0",
                "bytesData", String.valueOf(Integer.parseInt(running.getProperty("bytesData").trim()) + 1)));
        CPythonAbi olderWrong = generated(Map.of("bundle.version", "8.0.0",
                "tupleItems", String.valueOf(Integer.parseInt(running.getProperty("tupleItems").trim()) + 8)));
        CPythonAbi correct = generated(Map.of("bundle.version", "1.0.0"));
        List<String> warnings = new ArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(AbiSelector.class.getName());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel() == java.util.logging.Level.WARNING) warnings.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            assertSame(correct, AbiSelector.bind(Live.INTERPRETER, List.of(newerWrong, correct, olderWrong)).abi());
        } finally {
            log.removeHandler(capture);
        }
        // the skipped newer bundles are refused with a logged reason each, newest first, though an older one was bound
        assertEquals(2, warnings.size(), warnings::toString);
        String flavour = Live.INTERPRETER.flavour().layoutName();
        assertTrue(warnings.get(0).startsWith("ABI bundle " + tag() + " 9.0.0 (" + flavour + ") refused: CPython "
                + Live.INTERPRETER.version() + ": PyBytesObject.ob_sval"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("ABI bundle " + tag() + " 8.0.0 (" + flavour + ") refused: CPython "
                + Live.INTERPRETER.version() + ": PyTupleObject.ob_item[0]"), warnings.get(1));

        // with no correct bundle, the failure of the newest one is reported
        var e = assertThrows(AbiMismatchException.class,
                () -> AbiSelector.bind(Live.INTERPRETER, List.of(olderWrong, newerWrong)));
        assertTrue(e.field().startsWith("PyBytesObject.ob_sval"), e.getMessage());
        assertTrue(e.field().endsWith("bundle 9.0.0]"), e.getMessage());
    }

    // --- generated layouts -----------------------------------------------------------------------------------

    /** The running bundle's {@code layout.properties}, as the bundle ships it. */
    private static Properties runningLayout() {
        Properties p = new Properties();
        try (InputStream in = runningBundle().getClass().getResourceAsStream("layout.properties")) {
            assertTrue(in != null, "no layout.properties next to " + runningBundle().getClass());
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The running version's layout with {@code changes} applied, read by a {@link LayoutAbi} subclass. */
    private static CPythonAbi generated(Map<String, String> changes) {
        Properties p = runningLayout();
        changes.forEach(p::setProperty);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try {
            p.store(text, "generated by AbiSelectionTest: " + changes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GeneratedAbi(new ByteArrayInputStream(text.toByteArray()));
    }

    /** An ABI bundle whose {@code layout.properties} is generated text. */
    static final class GeneratedAbi extends LayoutAbi {
        GeneratedAbi(InputStream layout) {
            super(GeneratedAbi.class, layout);
        }
    }
}
