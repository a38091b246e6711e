package dev.serpentine.cli;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.json.Json;
import dev.serpentine.bridge.platform.RuntimeInterpreter;
import dev.serpentine.ffi.SerpentineException;
import dev.serpentine.ffi.abi.AbiSelector;
import dev.serpentine.ffi.abi.AbiVerifier;
import dev.serpentine.ffi.abi.CPythonAbi;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Gogo commands of scope {@code serpentine} in the assembled platform: {@code status}, {@code abi} (list,
 * verify), {@code dumps FILE}, {@code loads FILE} and {@code bench}. They run on the platform's
 * {@link PythonRuntime} service, so they are there exactly when the interpreter is up.
 */
@Component(service = GogoCommands.class, property = {
        "osgi.command.scope=serpentine",
        "osgi.command.function=status", "osgi.command.function=abi", "osgi.command.function=dumps",
        "osgi.command.function=loads", "osgi.command.function=bench"})
public final class GogoCommands {

    @Reference
    private PythonRuntime runtime;
    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    /** What runs: interpreter, build, ABI bundle, backend. */
    public String status() {
        return "interpreter: CPython " + runtime.version() + " from " + runtime.installation().origin() + "\n"
                + "build:       " + runtime.flavour() + " (abiflags '" + runtime.flavour().abiflags() + "')\n"
                + "ABI bundle:  " + runtime.abi() + "\n"
                + "backend:     " + runtime.backend() + " on Java " + Runtime.version();
    }

    /** {@code abi list}. */
    public String abi() {
        return abi("list");
    }

    /**
     * {@code abi list}: the ABI bundles installed, the bound one marked; {@code abi verify}: each bundle for the
     * running version verified again against the live interpreter.
     */
    public String abi(String action) {
        List<CPythonAbi> abis = new ArrayList<>();
        List<ServiceReference<CPythonAbi>> refs;
        try {
            refs = new ArrayList<>(context.getServiceReferences(CPythonAbi.class, null));
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // no filter given
        }
        StringBuilder out = new StringBuilder();
        try {
            for (ServiceReference<CPythonAbi> ref : refs) {
                CPythonAbi abi = context.getService(ref);
                if (abi != null) abis.add(abi);
            }
            abis.sort(Comparator.comparing(CPythonAbi::tag).thenComparing(CPythonAbi::bundleVersion));
            String running = "cp" + runtime.version().major() + runtime.version().minor();
            switch (action) {
                case "list" -> {
                    for (CPythonAbi abi : abis) {
                        boolean bound = abi.tag().equals(runtime.abi().tag()) && abi.flavour().equals(runtime.abi().flavour())
                                && abi.bundleVersion().equals(runtime.abi().bundleVersion());
                        out.append(String.format("%-7s %-14s %-18s %s%n", abi.tag(), abi.flavour(), abi.bundleVersion(),
                                bound ? "bound" : abi.tag().equals(running) ? "" : "(other version)"));
                    }
                }
                case "verify" -> {
                    String supported = AbiSelector.supported(abis);
                    for (CPythonAbi abi : abis) {
                        if (!abi.tag().equals(running) || !abi.flavour().equals(runtime.abi().flavour())) continue;
                        String result;
                        try {
                            AbiVerifier.verify(RuntimeInterpreter.of(runtime), abi, supported);
                            result = "verified against the live interpreter";
                        } catch (SerpentineException e) {
                            result = "MISMATCH: " + e.getMessage();
                        }
                        out.append(abi.tag()).append(' ').append(abi.flavour()).append(' ').append(abi.bundleVersion())
                                .append(": ").append(result).append('\n');
                    }
                    if (out.isEmpty()) out.append("no ABI bundle for ").append(running).append('\n');
                }
                default -> throw new IllegalArgumentException("abi: unknown action '" + action + "' (list, verify)");
            }
        } finally {
            refs.forEach(context::ungetService);
        }
        return out.toString().stripTrailing();
    }

    /** {@code dumps FILE}: the file parsed by {@code json}, written by serpentine, checked against the file's value. */
    public String dumps(String file) throws IOException {
        byte[] json = read(file);
        return runtime.call(python -> {
            try (PyRef jsonModule = python.importModule("json");
                 PyRef loads = python.getAttr(jsonModule, "loads");
                 PyRef value = python.call(loads, json)) {
                byte[] out = Json.dumps(python, value);
                try (PyRef again = python.call(loads, out);
                     PyRef eq = python.call(python.getAttr(again, "__eq__"), value)) {
                    if (!Boolean.TRUE.equals(python.toJava(eq))) {
                        throw new IllegalStateException("serpentine.dumps of " + file + " does not round-trip through json");
                    }
                }
                return new String(out, StandardCharsets.UTF_8);
            }
        });
    }

    /** {@code loads FILE}: the file parsed by serpentine, checked against {@code json.loads}; says what it holds. */
    public String loads(String file) throws IOException {
        byte[] json = read(file);
        return runtime.call(python -> {
            try (PyRef value = Json.loads(python, json);
                 PyRef jsonModule = python.importModule("json");
                 PyRef expected = python.call(python.getAttr(jsonModule, "loads"), json);
                 PyRef eq = python.call(python.getAttr(value, "__eq__"), expected);
                 PyRef len = python.call(python.eval("len"), value)) {
                if (!Boolean.TRUE.equals(python.toJava(eq))) {
                    throw new IllegalStateException("serpentine.loads of " + file + " differs from json.loads");
                }
                return python.typeName(value) + " of " + python.toJava(len) + " items, " + json.length
                        + " bytes, equal to json.loads";
            }
        });
    }

    /** {@code bench}: the four corpora, as {@code serpentine bench} times them (no chart, no progress bar). */
    public String bench() {
        Bench bench = new Bench(runtime, 0.1);
        List<String> libraries = bench.libraries();
        return "every result checked against json\n" + Bench.table(bench.run(Bench.corpora(), libraries, what -> { }),
                libraries).stripTrailing();
    }

    private static byte[] read(String file) throws IOException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException("no such file: " + path.toAbsolutePath());
        return Files.readAllBytes(path);
    }
}
