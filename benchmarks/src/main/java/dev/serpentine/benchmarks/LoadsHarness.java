package dev.serpentine.benchmarks;

import dev.serpentine.bridge.PythonRuntime;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Python-side harness of {@code serpentine.loads}: times it against orjson (when the interpreter has it) and
 * {@code json} on the four corpora and on {@code {"a":1}}, best of several rounds, with the peak traced memory of one
 * call (tracemalloc) beside each. Run on the class path:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp … dev.serpentine.benchmarks.LoadsHarness \
 *     ~/.pyenv/versions/3.11.7/bin/python3.11 ffm deserializer/src/test/resources/corpus
 * </pre>
 * (interpreter: blank for the embedded default; backend ffm or jna; the corpus directory).
 */
public final class LoadsHarness {

    private static final String HARNESS = """
            import json, time, tracemalloc, gc, os, serpentine
            try:
                import orjson
            except ImportError:
                orjson = None

            def best(f, doc, seconds=1.0):
                n, t0 = 0, time.perf_counter()
                while time.perf_counter() - t0 < 0.2:
                    f(doc); n += 1
                per = max(1, int(n * 0.05))
                times = []
                t_end = time.perf_counter() + seconds
                while time.perf_counter() < t_end:
                    t = time.perf_counter()
                    for _ in range(per):
                        f(doc)
                    times.append((time.perf_counter() - t) / per)
                return min(times)

            def peak(f, doc):
                f(doc)
                gc.collect()
                tracemalloc.start()
                tracemalloc.reset_peak() if hasattr(tracemalloc, 'reset_peak') else None
                base = tracemalloc.get_traced_memory()[0]
                r = f(doc)
                p = tracemalloc.get_traced_memory()[1] - base
                tracemalloc.stop()
                del r
                return p

            def run(corpus):
                docs = [('{"a":1}', b'{"a":1}')]
                for name in ('twitter.json', 'citm_catalog.json', 'canada.json', 'github.json'):
                    with open(os.path.join(corpus, name), 'rb') as fh:
                        docs.append((name, fh.read()))
                libs = [('serpentine', serpentine.loads), ('json', json.loads)]
                if orjson:
                    libs.insert(1, ('orjson', orjson.loads))
                lines = []
                for name, doc in docs:
                    row = {lib: (best(f, doc), peak(f, doc)) for lib, f in libs}
                    s = row['serpentine']
                    text = '%-18s serpentine %9.1f us peak %9d B' % (name, s[0] * 1e6, s[1])
                    for lib in ('orjson', 'json'):
                        if lib in row:
                            text += ' | %s %9.1f us peak %9d B (time x%.2f, peak x%.2f)' % (
                                lib, row[lib][0] * 1e6, row[lib][1], s[0] / row[lib][0], s[1] / max(1, row[lib][1]))
                    lines.append(text)
                return '\\n'.join(lines)
            """;

    private LoadsHarness() {
    }

    public static void main(String[] args) throws Exception {
        String interpreter = args.length > 0 ? args[0] : "";
        String backend = args.length > 1 ? args[1] : "ffm";
        Path corpus = Path.of(args.length > 2 ? args[2] : "deserializer/src/test/resources/corpus").toAbsolutePath();
        if (!Files.isDirectory(corpus)) throw new IllegalArgumentException("no corpus directory " + corpus);
        PythonRuntime rt = PythonRuntime.builder().interpreter(interpreter).backend(backend).start();
        System.out.println(rt + " on Java " + Runtime.version());
        String report = rt.call(python -> {
            python.exec(HARNESS);
            return (String) python.toJava(python.eval("run(" + pyString(corpus.toString()) + ")"));
        });
        System.out.println("ratios are serpentine / other (below 1: serpentine is faster or smaller)");
        System.out.println(report);
        rt.shutdown();
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
