package dev.serpentine.benchmarks;

import dev.serpentine.ffi.binding.CPythonBinding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code dumps} and {@code loads} of one library on one corpus document, called as Python calls them (the function
 * object called with a prepared argument tuple), so Serpentine, {@code json} and orjson pay the same call overhead:
 * {@code serpentine.dumps(value)}, {@code json.dumps(value).encode()} (orjson's own benchmark setup) and
 * {@code orjson.dumps(value)}; {@code loads} of the document's bytes. Ratios between libraries of one run are the
 * result; absolute times vary from run to run.
 *
 * <p>The embedded CPython 3.14 has no orjson; to compare with it, run on an interpreter that has it, e.g.
 * {@code -Djmh.args="-f 1 -jvmArgsAppend -Dserpentine.python=$HOME/.pyenv/versions/3.11.7/bin/python -p library=serpentine,orjson,json"}.
 * Documents are read from {@code ../serializer/src/test/resources/corpus} (the benchmark's working directory is
 * this module) or {@code -Dserpentine.corpus}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JsonBenchmark {

    @Param({"ffm", "jna"})
    public String backend;

    @Param({"twitter", "github", "citm_catalog", "canada"})
    public String document;

    @Param({"serpentine", "json"})
    public String library;

    private Embedded python;
    private CPythonBinding py;
    private long dumps;
    private long loads;
    private long valueArgs;
    private long textArgs;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path corpus = Path.of(System.getProperty("serpentine.corpus", "../serializer/src/test/resources/corpus"));
        Path file = corpus.resolve(document + ".json").toAbsolutePath();
        if (!Files.isRegularFile(file)) throw new IllegalStateException("no corpus document " + file);
        python = Embedded.start(backend);
        python.holdGil();
        py = python.py;
        python.exec("import json, serpentine\n"
                + "with open(r'''" + file + "''', 'rb') as _f:\n"
                + "    _text = _f.read()\n"
                + "_value = json.loads(_text)\n"
                + "if '" + library + "' == 'json':\n"
                + "    _dumps, _loads = (lambda v: json.dumps(v).encode()), json.loads\n"
                + "else:\n"
                + "    _lib = __import__('" + library + "')\n"
                + "    _dumps, _loads = _lib.dumps, _lib.loads\n"
                + "assert json.loads(_dumps(_value)) == _value and _loads(_text) == _value, 'wrong result'\n");
        dumps = python.eval("_dumps");
        loads = python.eval("_loads");
        valueArgs = python.eval("(_value,)");
        textArgs = python.eval("(_text,)");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (long o : new long[] {dumps, loads, valueArgs, textArgs}) py.Py_DecRef(o);
        python.releaseGil();
    }

    @Benchmark
    public long dumps() {
        return called(py.PyObject_CallObject(dumps, valueArgs));
    }

    @Benchmark
    public long loads() {
        return called(py.PyObject_CallObject(loads, textArgs));
    }

    /** Drops a call's result; a failed call ends the trial. */
    private long called(long result) {
        if (result == 0) {
            py.PyErr_Clear();
            throw new IllegalStateException(library + " failed on " + document);
        }
        py.Py_DecRef(result);
        return result;
    }
}
