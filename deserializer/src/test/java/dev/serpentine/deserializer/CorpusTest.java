package dev.serpentine.deserializer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The four corpora (orjson's benchmark documents, see corpus/README.md): equal to json.loads, types included. */
class CorpusTest {

    @ParameterizedTest
    @ValueSource(strings = {"twitter.json", "citm_catalog.json", "canada.json", "github.json"})
    void equalsJsonLoadsThroughEveryInput(String name) throws URISyntaxException {
        String path = Path.of(CorpusTest.class.getResource("/corpus/" + name).toURI()).toString();
        Interpreter.noMismatches("check_corpus(" + pyString(path) + ")");
    }

    static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
