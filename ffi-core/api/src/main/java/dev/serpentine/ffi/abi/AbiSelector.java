package dev.serpentine.ffi.abi;

import dev.serpentine.ffi.AbiMismatchException;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.PythonVersion;
import dev.serpentine.ffi.binding.RunningInterpreter;
import dev.serpentine.ffi.view.CPythonViews;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Chooses the ABI bundle for the running interpreter — same tag ({@code cp313}) and build flavour, newest bundle
 * version first — and binds it only after {@link AbiVerifier} has checked it against the live interpreter.
 */
public final class AbiSelector {

    /** Every refused candidate is logged here (WARNING): an operator sees why a newer bundle is not in use. */
    private static final System.Logger LOG = System.getLogger(AbiSelector.class.getName());

    private AbiSelector() {
    }

    /**
     * Refuses, before CPython is touched, a version no bundle is for.
     *
     * @throws InterpreterUnavailableException naming the version and the supported range
     */
    public static void requireBundleFor(PythonVersion version, Collection<? extends CPythonAbi> candidates) {
        if (candidates.stream().noneMatch(a -> a.tag().equals(version.abiTag()))) {
            throw new InterpreterUnavailableException("CPython " + version.minorVersion() + " is not supported: no ABI"
                    + " bundle " + version.abiTag() + " is installed (supported: " + supported(candidates) + ")");
        }
    }

    /**
     * The verified views of the best matching bundle.
     *
     * @throws AbiMismatchException when no bundle matches the version and flavour, or none passes verification
     *                              (the first failure is reported); each bundle that fails verification is also
     *                              logged as refused (WARNING), also when an older one is bound instead
     */
    public static CPythonViews bind(RunningInterpreter interpreter, Collection<? extends CPythonAbi> candidates) {
        String tag = interpreter.version().abiTag();
        String flavour = interpreter.flavour().layoutName();
        List<CPythonAbi> matching = new ArrayList<>();
        for (CPythonAbi a : candidates) {
            if (a.tag().equals(tag) && a.flavour().equals(flavour)) matching.add(a);
        }
        if (matching.isEmpty()) {
            throw new AbiMismatchException(interpreter.version().toString(), "ABI bundle", tag + " (" + flavour + ")",
                    "none installed for this version and build", supported(candidates));
        }
        matching.sort(Comparator.comparing((CPythonAbi a) -> versionKey(a.bundleVersion())).reversed());
        AbiMismatchException first = null;
        for (CPythonAbi abi : matching) {
            try {
                return AbiVerifier.verify(interpreter, abi, supported(candidates));
            } catch (AbiMismatchException e) {
                LOG.log(System.Logger.Level.WARNING, "ABI bundle " + abi.tag() + " " + abi.bundleVersion() + " ("
                        + abi.flavour() + ") refused: " + e.getMessage());
                if (first == null) first = e;
            }
        }
        throw first;
    }

    /** "cp39, cp310 … (default)": the tags and flavours on offer. */
    public static String supported(Collection<? extends CPythonAbi> candidates) {
        if (candidates.isEmpty()) return "no ABI bundle installed";
        return candidates.stream()
                .sorted(Comparator.comparingInt((CPythonAbi a) -> tagNumber(a.tag())))
                .map(a -> a.tag() + (a.flavour().equals("default") ? "" : "-" + a.flavour()))
                .distinct().collect(Collectors.joining(", "));
    }

    private static int tagNumber(String tag) {
        try {
            return Integer.parseInt(tag.substring(3));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** Orders "0.1.0-SNAPSHOT" < "0.1.1" < "0.2.0" by their numeric parts. */
    static VersionKey versionKey(String version) {
        String[] parts = version.split("[^0-9]+");
        int[] n = new int[3];
        int k = 0;
        for (String p : parts) {
            if (p.isEmpty()) continue;
            if (k == 3) break;
            n[k++] = Integer.parseInt(p.length() > 9 ? p.substring(0, 9) : p);
        }
        return new VersionKey(n[0], n[1], n[2]);
    }

    record VersionKey(int major, int minor, int micro) implements Comparable<VersionKey> {
        @Override
        public int compareTo(VersionKey o) {
            return Comparator.comparingInt(VersionKey::major).thenComparingInt(VersionKey::minor)
                    .thenComparingInt(VersionKey::micro).compare(this, o);
        }
    }
}
