package dev.serpentine.deserializer;

import org.junit.jupiter.api.Test;

/**
 * Generated documents and broken mutations of them against json.loads (and orjson where the interpreter has it), and
 * decimal strings against float(). Short on every interpreter and backend; long on one interpreter per backend
 * (3.13 on JDK 25, without the debug allocator), or as many as -Dserpentine.deserializer.rounds asks for.
 */
class PropertyTest {

    private static final boolean LONG_RUN = System.getProperty("serpentine.test.python", "").contains("cpython-3.13")
            && Runtime.version().feature() >= 22 && System.getenv("PYTHONMALLOC") == null;
    private static final int SCALE = Integer.getInteger("serpentine.deserializer.rounds", LONG_RUN ? 20 : 1);

    @Test
    void generatedAndMutatedDocumentsAgreeWithJsonLoads() {
        Interpreter.noMismatches("properties(1234, " + 1500 * SCALE + ")");
    }

    @Test
    void generatedDocumentsAgreeWithOrjsonWhereImportable() {
        Interpreter.exec("try:\n    import orjson as _orjson\nexcept ImportError:\n    _orjson = None\n");
        // The matrix's interpreters have no orjson; the oracle runs (pyenv 3.11.7, root pom) do.
        org.junit.jupiter.api.Assumptions.assumeTrue((Boolean) Interpreter.eval("_orjson is not None"),
                "orjson is not importable in this interpreter");
        System.out.println("loads against orjson " + Interpreter.eval("_orjson.__version__"));
        Interpreter.noMismatches("properties(99, " + 500 * SCALE + ", _orjson.loads)");
    }

    @Test
    void floatsAreCorrectlyRounded() {
        Interpreter.noMismatches("floats(7, " + 20000 * SCALE + ")");
    }
}
