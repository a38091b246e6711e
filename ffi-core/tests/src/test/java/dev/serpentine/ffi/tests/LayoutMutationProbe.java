package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.AbiMismatchException;
import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.abi.AbiSelector;
import dev.serpentine.ffi.abi.AbiVerifier;
import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.abi.LayoutAbi;
import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.RunningInterpreter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Main class of {@link LayoutMutationTest}, run in a JVM of its own: the verifier follows the dict keys and split
 * values pointers once they pass every check that can be made without following them, but no oracle names those
 * addresses, so a wrong layout could in principle end the process — which must not take the test JVM with it.
 *
 * <p>Arguments: backend name, interpreter spec. For every key of the running version's {@code layout.properties}
 * and every {@link #mutations mutation} of it, it verifies the mutated bundle and prints one line:
 * {@code REFUSED key=value :: message}, {@code ACCEPTED key=value} or {@code FAILED key=value :: exception}, then
 * {@code DONE n}. Exit code 0 means the JVM survived every mutation.
 */
public final class LayoutMutationProbe {

    /** Keys that are no fact to verify: which of two correct bundles wins. */
    static final Map<String, String> EXEMPT = Map.of("bundle.version",
            "the version of the bundle, used to prefer a newer correct bundle (AbiSelectionTest), not a layout fact",
            "stackGuardUnitBytes",
            "a measured C stack cost per recursion level, which the interpreter has no oracle for: python-bridge's"
                    + " GilTest.deepPythonRecursionOnSmallJavaStacksIsARecursionError proves it on small stacks");

    private LayoutMutationProbe() {
    }

    public static void main(String[] args) {
        try {
            CPythonBinding py = Backends.select(LayoutMutationProbe.class.getClassLoader(), args[0]);
            RunningInterpreter in = RunningInterpreter.start(py, CPythonInstallation.locate(args[1]));
            List<CPythonAbi> abis = new ArrayList<>();
            ServiceLoader.load(CPythonAbi.class, LayoutMutationProbe.class.getClassLoader()).forEach(abis::add);
            String supported = AbiSelector.supported(abis);
            CPythonAbi running = abis.stream().filter(a -> a.tag().equals(in.version().abiTag())).findFirst()
                    .orElseThrow();
            Properties layout = layoutOf(running);
            // the unmodified layout passes: every refusal below is the mutation's doing
            AbiVerifier.verify(in, new Generated(layout), supported);
            System.out.println("probe: CPython " + in.version() + ", backend " + py.backendName() + ", "
                    + layout.size() + " keys");
            int n = 0;
            for (String key : new TreeSet<>(layout.stringPropertyNames())) {
                if (EXEMPT.containsKey(key)) continue;
                for (Properties mutated : mutations(key, layout, abis)) {
                    String change = key + "=" + mutated.getProperty(key);
                    System.out.flush();
                    try {
                        AbiVerifier.verify(in, new Generated(mutated), supported);
                        System.out.println("ACCEPTED " + change);
                    } catch (AbiMismatchException e) {
                        System.out.println("REFUSED " + change + " :: " + e.getMessage().replace('\n', ' '));
                    } catch (RuntimeException e) {
                        System.out.println("FAILED " + change + " :: " + e);
                    }
                    n++;
                }
            }
            System.out.println("DONE " + n);
            ForkedJvm.exitChild(null);
        } catch (Throwable t) {
            ForkedJvm.exitChild(t);
        }
    }

    /**
     * The mutations of one key, each the whole layout with that key changed: offsets and sizes ±8, a flag bit moved
     * one place down (or set, where it is 0), a mask widened one place, a shift or bit count ±1, an encoding
     * replaced by each other one (with the keys of its family that the other encoding needs taken from a bundle
     * that uses it), the tag and flavour replaced.
     */
    static List<Properties> mutations(String key, Properties layout, List<CPythonAbi> abis) {
        String value = layout.getProperty(key).trim();
        List<Properties> out = new ArrayList<>();
        switch (key) {
            case "abi.tag" -> out.add(with(layout, key, "cp38"));
            case "abi.flavour" -> out.add(with(layout, key, "free-threaded"));
            case "intEncoding" -> encodings(out, key, value, layout, abis, AbiLayout.IntEncoding.values(), "int");
            case "dictKeysLayout" -> encodings(out, key, value, layout, abis, AbiLayout.DictKeys.values(), "dict");
            case "stackGuard" -> encodings(out, key, value, layout, abis, AbiLayout.StackGuard.values(), "stackGuard");
            default -> {
                int v = parse(value);
                int[] changed = key.endsWith("Bit") ? new int[]{v == 0 ? 1 : v >>> 1}
                        : key.endsWith("Mask") ? new int[]{v << 1}
                        : key.endsWith("Shift") || key.endsWith("Bits") ? new int[]{v + 1, v - 1}
                        : new int[]{v + 8, v - 8};
                for (int c : changed) out.add(with(layout, key, String.valueOf(c)));
            }
        }
        return out;
    }

    private static void encodings(List<Properties> out, String key, String value, Properties layout,
                                  List<CPythonAbi> abis, Enum<?>[] constants, String family) {
        for (Enum<?> other : constants) {
            if (other.name().equals(value)) continue;
            Properties donor = abis.stream().map(LayoutMutationProbe::layoutOf)
                    .filter(p -> other.name().equals(p.getProperty(key).trim())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no bundle uses " + key + " = " + other));
            Properties mutated = with(layout, key, other.name());
            for (String k : donor.stringPropertyNames()) {
                if (k.startsWith(family) && !layout.containsKey(k)) mutated.setProperty(k, donor.getProperty(k));
            }
            for (String k : layout.stringPropertyNames()) {
                if (k.startsWith(family) && !donor.containsKey(k)) mutated.remove(k);
            }
            out.add(mutated);
        }
    }

    private static int parse(String v) {
        if (v.startsWith("-0x")) return -Integer.parseInt(v.substring(3), 16);
        return v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : Integer.parseInt(v);
    }

    private static Properties with(Properties layout, String key, String value) {
        Properties p = new Properties();
        p.putAll(layout);
        p.setProperty(key, value);
        return p;
    }

    /** The {@code layout.properties} a bundle ships (its class's own resource). */
    static Properties layoutOf(CPythonAbi abi) {
        Properties p = new Properties();
        try (InputStream in = abi.getClass().getResourceAsStream("layout.properties")) {
            if (in == null) throw new IllegalStateException("no layout.properties next to " + abi.getClass());
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** An ABI bundle whose {@code layout.properties} is the given properties. */
    static final class Generated extends LayoutAbi {
        Generated(Properties layout) {
            super(Generated.class, text(layout));
        }

        private static InputStream text(Properties layout) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                layout.store(out, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new ByteArrayInputStream(out.toByteArray());
        }
    }

    /** For {@link LayoutMutationTest}: {@code key=value} of each mutation of the layout, in the order they run. */
    static List<String> changes(Properties layout, List<CPythonAbi> abis) {
        List<String> changes = new ArrayList<>();
        for (String key : new TreeSet<>(layout.stringPropertyNames())) {
            if (EXEMPT.containsKey(key)) continue;
            for (Properties m : mutations(key, layout, abis)) changes.add(key + "=" + m.getProperty(key));
        }
        return changes;
    }
}
