package dev.serpentine.ffi.jna;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.binding.InterpreterInit;

/**
 * {@link InterpreterInit} on JNA's {@link Function}: called once per process, so speed does not matter, and no
 * {@code Structure} subclass is needed (JNA would reach it by reflection, which the module path forbids).
 */
final class JnaInterpreterInit implements InterpreterInit {

    static final JnaInterpreterInit INSTANCE = new JnaInterpreterInit();

    private JnaInterpreterInit() {
    }

    @Override
    public long calloc(long size) {
        long p = Native.malloc(size);
        if (p != 0) JnaBinding.INSTANCE.memory().fill(p, size, (byte) 0);
        return p;
    }

    @Override
    public void free(long address) {
        Native.free(address);
    }

    @Override
    public void PyConfig_InitPythonConfig(long config) {
        function("PyConfig_InitPythonConfig").invokeVoid(new Object[]{config});
    }

    @Override
    public void PyConfig_InitIsolatedConfig(long config) {
        function("PyConfig_InitIsolatedConfig").invokeVoid(new Object[]{config});
    }

    @Override
    public void Py_InitializeFromConfig(long config, long status) {
        // x86-64 System V returns a 32-byte struct through memory: the caller passes its address as a hidden first
        // argument (%rdi) and gets it back in %rax. So the call is exactly `PyStatus *f(PyStatus *status, config)`.
        function("Py_InitializeFromConfig").invokeLong(new Object[]{status, config});
    }

    @Override
    public void PyConfig_Clear(long config) {
        function("PyConfig_Clear").invokeVoid(new Object[]{config});
    }

    @Override
    public long PyThreadState_GetUnchecked() {
        String name = JnaBinding.INSTANCE.symbol("PyThreadState_GetUnchecked") != 0
                ? "PyThreadState_GetUnchecked" : "_PyThreadState_UncheckedGet";
        return function(name).invokeLong(new Object[0]);
    }

    private static Function function(String name) {
        long address = JnaBinding.INSTANCE.symbol(name);
        if (address == 0) throw new InterpreterUnavailableException("libpython does not export " + name);
        return Function.getFunction(new Pointer(address));
    }
}
