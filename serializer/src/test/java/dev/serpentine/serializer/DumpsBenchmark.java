package dev.serpentine.serializer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The Python-side timing harness (bench_dumps.py), printed, never asserted: run on one interpreter/backend with
 * {@code -Dserpentine.bench=true -Dtest=DumpsBenchmark}.
 */
@EnabledIfSystemProperty(named = "serpentine.bench", matches = "true")
class DumpsBenchmark {

    @Test
    void corpora() throws Exception {
        String code;
        try (InputStream in = DumpsBenchmark.class.getResourceAsStream("/python/bench_dumps.py")) {
            code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path corpus = corpusDir();
        Runtime.exec("_bench = {}\nexec(compile(" + PythonSuite.pythonString(code) + ", 'bench_dumps.py', 'exec'), _bench)\n");
        System.out.println(Runtime.eval("_bench['run'](" + PythonSuite.pythonString(corpus.toString()) + ")"));
    }

    /** Large numpy arrays with OPT_SERIALIZE_NUMPY (an interpreter with numpy, e.g. -Dserpentine.test.python=pyenv 3.11). */
    @Test
    void numpyArrays() throws Exception {
        String code;
        try (InputStream in = DumpsBenchmark.class.getResourceAsStream("/python/bench_dumps.py")) {
            code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Runtime.exec("_bench = {}\nexec(compile(" + PythonSuite.pythonString(code) + ", 'bench_dumps.py', 'exec'), _bench)\n");
        System.out.println(Runtime.eval("_bench['run_numpy']()"));
    }

    private static Path corpusDir() throws URISyntaxException {
        return Path.of(DumpsBenchmark.class.getResource("/corpus/README.md").toURI()).getParent();
    }
}
