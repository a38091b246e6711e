package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CPythonBinding;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Choosing a backend outside OSGi: by name, or the best one this JVM runs. */
class BackendsTest {

    private static final ClassLoader LOADER = BackendsTest.class.getClassLoader();
    private static final int JAVA = Runtime.version().feature();

    /** What this JVM must offer, best first: FFM needs Java 22+. */
    private static List<String> expectedNames() {
        return JAVA >= 22 ? List.of("ffm", "jna") : List.of("jna");
    }

    private static List<String> names(List<CPythonBinding> backends) {
        return backends.stream().map(CPythonBinding::backendName).toList();
    }

    @Test
    void availableBackendsAreTheOnesThisJavaRunsBestFirst() {
        List<CPythonBinding> available = Backends.available(LOADER);
        assertEquals(expectedNames(), names(available), "on Java " + JAVA);
        for (int i = 0; i < available.size(); i++) {
            assertTrue(available.get(i).isSupported(), available.get(i).backendName());
            if (i > 0) {
                assertTrue(available.get(i - 1).ranking() > available.get(i).ranking(),
                        names(available) + " must be ordered by ranking");
            }
        }
    }

    @Test
    void unknownBackendIsRefusedListingTheAvailableOnes() {
        var e = assertThrows(InterpreterUnavailableException.class, () -> Backends.select(LOADER, "graal"));
        assertEquals("backend 'graal' is not available on Java " + JAVA + "; available: " + expectedNames(),
                e.getMessage());
    }

    @Test
    void ffmIsRefusedBelowJava22() {
        if (JAVA >= 22) {
            assertEquals("ffm", Backends.select(LOADER, "ffm").backendName());
            return;
        }
        var e = assertThrows(InterpreterUnavailableException.class, () -> Backends.select(LOADER, "ffm"));
        assertEquals("backend 'ffm' is not available on Java " + JAVA + "; available: [jna]", e.getMessage());
    }

    @Test
    void noNameSelectsTheBestBackend() {
        for (String none : new String[]{null, "", "   "}) {
            assertEquals(expectedNames().get(0), Backends.select(LOADER, none).backendName(), "name '" + none + "'");
        }
    }

    @Test
    void namesAreCaseInsensitiveAndTrimmed() {
        assertEquals("jna", Backends.select(LOADER, " JNA ").backendName());
        if (JAVA >= 22) assertEquals("ffm", Backends.select(LOADER, "Ffm").backendName());
    }

    @Test
    void systemPropertyNamesTheBackendOfThisRun() {
        String configured = System.getProperty(Backends.PROPERTY);
        String expected = configured == null || configured.isBlank() ? expectedNames().get(0) : configured.trim();
        assertEquals(expected, Backends.select(LOADER).backendName());
        assertEquals(expected, Live.PY.backendName());
    }

    @Test
    void aClassLoaderWithoutBackendsIsRefused() {
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        assertEquals(List.of(), Backends.available(platform));
        var e = assertThrows(InterpreterUnavailableException.class, () -> Backends.select(platform, "jna"));
        assertEquals("no Serpentine backend on this JVM (Java " + JAVA + "): put dev.serpentine.ffi.jna (Java 17+) or"
                + " dev.serpentine.ffi.ffm (Java 22+) on the class or module path", e.getMessage());
    }
}
