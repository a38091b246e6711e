package dev.serpentine.cli;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.PythonRuntime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The benchmark behind {@code serpentine bench} and {@code serpentine:bench}: serpentine, orjson (where the
 * interpreter has it) and json, dumps and loads of each document, timed in the interpreter (bench.py), every result
 * checked against json first. One GIL task per measurement, so that a progress bar can follow.
 */
final class Bench {

    /** The corpora shipped as resources (corpus/README.md says where they come from). */
    static final List<String> CORPORA = List.of("canada.json", "citm_catalog.json", "github.json", "twitter.json");

    static final List<String> LIBRARIES = List.of("serpentine", "orjson", "json");
    static final List<String> OPERATIONS = List.of("dumps", "loads");

    /** A document to time: its name and bytes. */
    record Document(String name, byte[] json) {
    }

    /** Median nanoseconds by library, for one document and operation. */
    record Row(String document, String operation, Map<String, Long> medians) {
        double ratio(String library) {
            Long other = medians.get(library);
            return other == null ? Double.NaN : other / (double) medians.get("serpentine");
        }
    }

    /** The four corpora, read from the jar. */
    static List<Document> corpora() {
        List<Document> documents = new ArrayList<>();
        for (String name : CORPORA) {
            try (InputStream in = Bench.class.getResourceAsStream("corpus/" + name)) {
                if (in == null) throw new IllegalStateException("corpus " + name + " is missing from the cli jar");
                documents.add(new Document(name, in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return documents;
    }

    private final PythonRuntime runtime;
    private final double minSeconds;

    Bench(PythonRuntime runtime, double minSeconds) {
        this.runtime = runtime;
        this.minSeconds = minSeconds;
    }

    /** The libraries this interpreter can import, in table order. */
    List<String> libraries() {
        return runtime.call(python -> {
            List<String> found = new ArrayList<>();
            try (PyRef available = PythonSources.function(python, "bench", "available")) {
                for (String library : LIBRARIES) {
                    try (PyRef yes = python.call(available, library)) {
                        if (Boolean.TRUE.equals(python.toJava(yes))) found.add(library);
                    }
                }
            }
            return found;
        });
    }

    /** How many measurements {@link #run} makes, for a progress bar. */
    static int steps(List<Document> documents, List<String> libraries) {
        return documents.size() * OPERATIONS.size() * libraries.size();
    }

    /** Times every library on every document; {@code step} hears of each finished measurement. */
    List<Row> run(List<Document> documents, List<String> libraries, Consumer<String> step) {
        List<Row> rows = new ArrayList<>();
        for (Document doc : documents) {
            for (String operation : OPERATIONS) {
                Map<String, Long> medians = new LinkedHashMap<>();
                for (String library : libraries) {
                    medians.put(library, runtime.call(python -> {
                        try (PyRef measure = PythonSources.function(python, "bench", "measure");
                             PyRef ns = python.call(measure, library, operation, doc.json(), minSeconds, 5, 1000)) {
                            return ((Number) python.toJava(ns)).longValue();
                        }
                    }));
                    step.accept(doc.name() + " " + operation + " " + library);
                }
                rows.add(new Row(doc.name(), operation, medians));
            }
        }
        return rows;
    }

    /** The table of medians (ms) and of each library's time relative to serpentine's. */
    static String table(List<Row> rows, List<String> libraries) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-18s %-6s", "document", "op"));
        for (String lib : libraries) sb.append(String.format(Locale.ROOT, " %12s", lib + " ms"));
        for (String lib : libraries) {
            if (!lib.equals("serpentine")) sb.append(String.format(Locale.ROOT, " %14s", lib + "/serp."));
        }
        sb.append('\n');
        for (Row row : rows) {
            sb.append(String.format(Locale.ROOT, "%-18s %-6s", row.document(), row.operation()));
            for (String lib : libraries) sb.append(String.format(Locale.ROOT, " %12.3f", row.medians().get(lib) / 1e6));
            for (String lib : libraries) {
                if (!lib.equals("serpentine")) sb.append(String.format(Locale.ROOT, " %13.2fx", row.ratio(lib)));
            }
            sb.append('\n');
        }
        if (libraries.size() > 1) sb.append("ratios: the library's median over serpentine's (above 1: serpentine is faster)\n");
        return sb.toString();
    }
}
