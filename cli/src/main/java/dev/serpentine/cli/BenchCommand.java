package dev.serpentine.cli;

import dev.serpentine.bridge.PythonRuntime;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code serpentine bench}: serpentine against json (and orjson where importable) on the given documents, or on the
 * four corpora shipped with the command (orjson's benchmark documents, see {@code corpus/README.md}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time serpentine, orjson (where importable) and json: dumps and loads of each document, every"
                + " result checked against json; prints medians and ratios, writes a PNG chart.")
final class BenchCommand implements Callable<Integer> {

    @Mixin
    InterpreterOptions interpreter;

    @Parameters(paramLabel = "FILES", description = "JSON documents to time (default: the four corpora).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--chart", paramLabel = "PNG", defaultValue = "serpentine-bench.png",
            description = "Where the chart goes (default: ${DEFAULT-VALUE}).")
    Path chart;

    @Option(names = "--min-time", paramLabel = "SECONDS", defaultValue = "0.2",
            description = "Time each measurement for at least this long (and 5 runs; default: ${DEFAULT-VALUE}), after a "
                    + "quarter of that untimed to warm up.")
    double minSeconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<Bench.Document> documents = documents();
        PrintWriter out = spec.commandLine().getOut();
        PythonRuntime runtime = interpreter.start();
        out.println("interpreter: CPython " + runtime.version() + " from " + runtime.installation().origin());
        out.println("ABI bundle:  " + runtime.abi());
        out.println("backend:     " + runtime.backend() + " on Java " + Runtime.version());
        Bench bench = new Bench(runtime, minSeconds);
        List<String> libraries = bench.libraries();
        if (!libraries.contains("orjson")) out.println("orjson:      not importable in this interpreter, left out");
        out.flush();
        List<Bench.Row> rows;
        // The bar goes to stderr, so that stdout carries the table alone.
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("bench").setInitialMax(Bench.steps(documents, libraries))
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(250).build()) {
            rows = bench.run(documents, libraries, what -> {
                bar.setExtraMessage(what);
                bar.step();
            });
        }
        out.println("every result checked against json: ok");
        out.print(Bench.table(rows, libraries));
        writeChart(rows, libraries);
        out.println("chart:       " + chart.toAbsolutePath());
        out.flush();
        return 0;
    }

    private List<Bench.Document> documents() throws IOException {
        if (files.isEmpty()) return Bench.corpora();
        List<Bench.Document> documents = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) throw new Main.CliException("no such file: " + file.toAbsolutePath());
            documents.add(new Bench.Document(file.getFileName().toString(), Files.readAllBytes(file)));
        }
        return documents;
    }

    /** Grouped bars: one group per document and operation, one bar per library, in ms (XChart has no log axis for bars). */
    private void writeChart(List<Bench.Row> rows, List<String> libraries) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart c = new CategoryChartBuilder().width(1000).height(560).title("serpentine bench (median, lower is better)")
                .xAxisTitle("document, operation").yAxisTitle("ms").build();
        c.getStyler().setXAxisLabelRotation(30); // the group names overlap otherwise
        List<String> groups = rows.stream().map(r -> r.document().replace(".json", "") + " " + r.operation()).toList();
        for (String library : libraries) {
            c.addSeries(library, groups, rows.stream().map(r -> (Number) (r.medians().get(library) / 1e6)).toList());
        }
        Path parent = chart.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        BitmapEncoder.saveBitmap(c, chart.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
