package dev.serpentine.serializer;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/**
 * dumps against oracles in the interpreter under test: the four benchmark corpora (compact, OPT_INDENT_2,
 * OPT_SORT_KEYS) against {@code json.dumps}; floats against {@code repr} (millions on 3.14, a sample elsewhere);
 * random documents against the contract's reference and against orjson where it is importable.
 */
class DumpsOracleTest {

    @TestFactory
    List<DynamicTest> oracles() throws URISyntaxException {
        Path corpus = Path.of(DumpsOracleTest.class.getResource("/corpus/README.md").toURI()).getParent();
        Runtime.exec("import os\nos.environ['SERPENTINE_CORPUS'] = " + PythonSuite.pythonString(corpus.toString()) + "\n");
        return PythonSuite.of("dumps_oracles.py");
    }
}
