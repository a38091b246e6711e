package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.AbiInfo;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.ffi.BuildFlavour;
import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.PythonVersion;
import dev.serpentine.ffi.abi.AbiSelector;
import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.binding.RunningInterpreter;
import dev.serpentine.ffi.view.CPythonViews;

import java.util.Collection;

/** The runtime over a running interpreter and the views of its currently bound ABI bundle. */
public final class CPythonRuntime implements PythonRuntime {

    private final RunningInterpreter interpreter;
    private volatile CPythonViews views;

    CPythonRuntime(RunningInterpreter interpreter, CPythonViews views) {
        this.interpreter = interpreter;
        this.views = views;
    }

    /** Binds the best of {@code candidates} after verifying it; on failure the current binding stays. */
    synchronized void rebind(Collection<? extends CPythonAbi> candidates) {
        CPythonViews next = AbiSelector.bind(interpreter, candidates);
        views = next;
    }

    public RunningInterpreter interpreter() {
        return interpreter;
    }

    /** The typed views through the bound ABI; read the field once per operation. */
    public CPythonViews views() {
        return views;
    }

    @Override
    public PythonVersion version() {
        return interpreter.version();
    }

    @Override
    public BuildFlavour flavour() {
        return interpreter.flavour();
    }

    @Override
    public CPythonInstallation installation() {
        return interpreter.installation();
    }

    @Override
    public String backend() {
        return interpreter.binding().backendName();
    }

    @Override
    public AbiInfo abi() {
        CPythonAbi abi = views.abi();
        return new AbiInfo(abi.tag(), abi.flavour(), abi.bundleVersion());
    }

    @Override
    public String toString() {
        return "CPython " + version() + " (" + flavour() + "), ABI " + abi() + ", backend " + backend();
    }
}
