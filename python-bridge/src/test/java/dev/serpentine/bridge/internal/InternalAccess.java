package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.abi.CPythonAbi;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Reaches bridge internals from the forked scenarios of the public test package. */
public final class InternalAccess {

    private InternalAccess() {
    }

    /** What an ABI bundle (re)appearing in OSGi does: select, verify against the live interpreter, bind. */
    public static void rebind(PythonRuntime runtime) {
        List<CPythonAbi> abis = new ArrayList<>();
        ServiceLoader.load(CPythonAbi.class, InternalAccess.class.getClassLoader()).forEach(abis::add);
        ((CPythonRuntime) runtime).rebind(abis);
    }
}
