package dev.serpentine.serializer;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * OPT_SERIALIZE_NUMPY (json-contract.md §2.10) in the interpreter under test, with its own numpy or the JavaCPP numpy
 * the build unpacks into {@code target/bytedeco-numpy} (CPython 3.14); elsewhere the tests are skipped with the reason.
 */
class NumpyContractTest {

    @TestFactory
    List<DynamicTest> numpy() {
        Path unpacked = Path.of(System.getProperty("serpentine.numpy.dir", "target/bytedeco-numpy")).toAbsolutePath();
        Runtime.exec("import os\nos.environ['SERPENTINE_NUMPY'] = " + PythonSuite.pythonString(unpacked.toString()) + "\n");
        return PythonSuite.of("numpy_contract.py");
    }
}
