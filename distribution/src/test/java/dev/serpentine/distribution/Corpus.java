package dev.serpentine.distribution;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import dev.serpentine.bridge.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The four corpus documents (serializer/src/test/resources/corpus, {@code -Dserpentine.corpus}) and the checks of a
 * round trip through the codecs, with CPython's {@code json} as the oracle. Each check runs in a GIL task.
 */
final class Corpus {

    static final String DIR = "serpentine.corpus";
    static final List<String> DOCUMENTS = List.of("canada", "citm_catalog", "github", "twitter");

    /** The oracle, defined once per interpreter: {@code json.loads} and the compact {@code json.dumps} bytes. */
    private static final String ORACLE = "import json as _json\n"
            + "def _oracle_dumps(v):\n"
            + "    return _json.dumps(v, separators=(',', ':'), ensure_ascii=False).encode()\n";

    private Corpus() {
    }

    static byte[] read(String name) {
        try {
            return Files.readAllBytes(Path.of(PlatformOptions.required(DIR), name + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * From Java: {@code Json.loads(doc)} equals {@code json.loads(doc)}, and {@code Json.dumps} of it is the bytes
     * {@code json.dumps} writes (compact, UTF-8). Fails with an AssertionError naming the document.
     */
    static void checkFromJava(Python python, String name, byte[] doc) {
        python.exec(ORACLE);
        try (PyRef json = python.importModule("json"); PyRef loadsOracle = python.getAttr(json, "loads");
             PyRef dumpsOracle = python.eval("_oracle_dumps"); PyRef eq = python.eval("lambda a, b: a == b and type(a) is type(b)");
             PyRef expected = python.call(loadsOracle, doc); PyRef loaded = Json.loads(python, doc);
             PyRef same = python.call(eq, loaded, expected)) {
            if (!Boolean.TRUE.equals(python.toJava(same))) throw new AssertionError(name + ": Json.loads differs from json.loads");
            byte[] dumped = Json.dumps(python, loaded);
            try (PyRef oracleBytes = python.call(dumpsOracle, expected); PyRef dumpedBytes = python.toPython(dumped);
                 PyRef sameBytes = python.call(eq, dumpedBytes, oracleBytes)) {
                if (!Boolean.TRUE.equals(python.toJava(sameBytes))) {
                    throw new AssertionError(name + ": Json.dumps differs from json.dumps (" + dumped.length + " bytes)");
                }
            }
        }
    }

    /** From Python: {@code serpentine.loads(doc) == json.loads(doc)} and {@code serpentine.dumps} writes json's bytes. */
    static void checkFromPython(Python python, String name, byte[] doc) {
        python.exec(ORACLE);
        try (PyRef check = python.eval("lambda doc: (lambda s, j: '%s %s' % (s.loads(doc) == j.loads(doc),"
                + " s.dumps(j.loads(doc)) == _oracle_dumps(j.loads(doc))))(__import__('serpentine'), _json)");
             PyRef document = python.toPython(doc); PyRef result = python.call(check, document)) {
            Object r = python.toJava(result);
            if (!"True True".equals(r)) {
                throw new AssertionError(name + ": (serpentine.loads == json.loads, serpentine.dumps == json.dumps) is " + r);
            }
        }
    }
}
