package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.binding.RunningInterpreter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interpreter came up as the embedding contract requires. */
class InterpreterStartTest {

    @Test
    void runsTheRequestedBackendAndJdk() {
        String backend = System.getProperty("serpentine.backend");
        if (backend != null) assertEquals(backend, Live.PY.backendName());
        String jdk = System.getProperty("serpentine.test.jdk");
        if (jdk != null) {
            assertEquals(Integer.parseInt(jdk), Runtime.version().feature(),
                    "this run must be on JDK " + jdk + "; point -Dserpentine.jdk17.java at its java");
        }
    }

    @Test
    void versionMatchesTheInstallationAndTheBoundAbi() {
        RunningInterpreter in = Live.INTERPRETER;
        assertTrue(in.version().sameMinor(in.installation().version()));
        assertEquals(in.version().abiTag(), Live.VIEWS.abi().tag());
        try (var g = Live.gil()) {
            assertEquals(in.version().minorVersion(), in.evalString("'%d.%d' % __import__('sys').version_info[:2]"));
        }
    }

    @Test
    void cAcceleratedJsonLoads() {
        try (var g = Live.gil()) {
            // _json imported means C extensions resolved libpython's symbols (RTLD_GLOBAL)
            assertEquals("True", Live.INTERPRETER.evalString(
                    "str(__import__('json.scanner').scanner.c_make_scanner is not None)"));
        }
    }

    @Test
    void homeIsTheInstallationNotWhateverIsOnPath() {
        try (var g = Live.gil()) {
            String prefix = Live.INTERPRETER.evalString("__import__('sys').base_prefix");
            assertEquals(Live.INTERPRETER.installation().home().toString(), prefix);
        }
    }

    @Test
    void faulthandlerIsOff() {
        try (var g = Live.gil()) {
            assertEquals("False", Live.INTERPRETER.evalString("str(__import__('faulthandler').is_enabled())"));
        }
    }

    @Test
    void gilIsReleasedBetweenCalls() {
        assertEquals(0, Live.PY.PyGILState_Check());
        try (var g = Live.gil()) {
            assertEquals(1, Live.PY.PyGILState_Check());
            try (var nested = Live.gil()) {
                assertEquals(1, Live.PY.PyGILState_Check());
            }
        }
        assertEquals(0, Live.PY.PyGILState_Check());
    }

    @Test
    void startingAgainReturnsTheRunningInterpreter() {
        assertSame(Live.INTERPRETER, RunningInterpreter.start(Live.PY, Live.INTERPRETER.installation()));
        assertFalse(Live.INTERPRETER.flavour().freeThreaded());
    }
}
