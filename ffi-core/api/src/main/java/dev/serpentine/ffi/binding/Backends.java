package dev.serpentine.ffi.binding;

import dev.serpentine.ffi.InterpreterUnavailableException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses a backend outside OSGi (in OSGi, DS does this by {@code service.ranking}): the one named by the system
 * property {@value #PROPERTY}, else the highest-ranked one that runs on this JVM — FFM on Java 22+, JNA otherwise.
 */
public final class Backends {

    /** System property naming the backend: {@code ffm} or {@code jna}. */
    public static final String PROPERTY = "serpentine.backend";

    private Backends() {
    }

    /** Every backend this class loader sees that can run on this JVM, best first. */
    public static List<CPythonBinding> available(ClassLoader loader) {
        List<CPythonBinding> found = new ArrayList<>();
        var providers = ServiceLoader.load(CPythonBinding.class, loader).iterator();
        // A backend compiled for a newer Java than this one (FFM on Java 17) fails to load: not available here.
        // The iterator recovers after such an error and goes on to the next provider; a bounded loop guards it.
        for (int attempts = 0; attempts < 16; attempts++) {
            try {
                if (!providers.hasNext()) break;
                CPythonBinding b = providers.next();
                if (b.isSupported()) found.add(b);
            } catch (ServiceConfigurationError | LinkageError e) {
                // skip this provider
            }
        }
        found.sort(Comparator.comparingInt(CPythonBinding::ranking).reversed());
        return found;
    }

    /** The backend named by {@value #PROPERTY}, or the best available one. */
    public static CPythonBinding select(ClassLoader loader) {
        return select(loader, System.getProperty(PROPERTY));
    }

    /** The backend called {@code name}, or the best available one when {@code name} is null or blank. */
    public static CPythonBinding select(ClassLoader loader, String name) {
        List<CPythonBinding> all = available(loader);
        if (all.isEmpty()) {
            throw new InterpreterUnavailableException("no Serpentine backend on this JVM (Java "
                    + Runtime.version().feature() + "): put dev.serpentine.ffi.jna (Java 17+) or dev.serpentine.ffi.ffm"
                    + " (Java 22+) on the class or module path");
        }
        if (name == null || name.isBlank()) return all.get(0);
        for (CPythonBinding b : all) {
            if (b.backendName().equalsIgnoreCase(name.trim())) return b;
        }
        throw new InterpreterUnavailableException("backend '" + name + "' is not available on Java "
                + Runtime.version().feature() + "; available: " + all.stream().map(CPythonBinding::backendName).toList());
    }
}
