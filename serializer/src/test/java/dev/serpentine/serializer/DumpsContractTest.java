package dev.serpentine.serializer;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.List;

/** json-contract.md §2 per type, option and error, with exact bytes, in the interpreter under test. */
class DumpsContractTest {

    @TestFactory
    List<DynamicTest> contract() {
        return PythonSuite.of("dumps_contract.py");
    }
}
