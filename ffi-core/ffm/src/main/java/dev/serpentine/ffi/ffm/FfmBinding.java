package dev.serpentine.ffi.ffm;

import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.InterpreterInit;
import dev.serpentine.ffi.binding.ThreadStacks;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.PyCFunctionFastTarget;
import dev.serpentine.ffi.binding.PyCFunctionOTarget;
import dev.serpentine.ffi.binding.PyCFunctionTarget;
import org.osgi.service.component.annotations.Component;

/**
 * The C-API binding on {@code java.lang.foreign}: downcall handles with {@code long} arguments (pointers and
 * {@code long} share a register class on x86-64), held in {@code static final} fields so the JIT inlines them.
 * {@code critical} is used only for leaf functions that neither block nor run Python code.
 *
 * <p>The C functions are generated from their {@code @CFunction} declarations into {@link FfmCApi}; this class adds
 * what is not a libpython call (loading, symbols, memory, libc, upcall stubs).
 */
@Component(service = CPythonBinding.class, property = {"backend=ffm", "service.ranking:Integer=200"})
public final class FfmBinding extends FfmCApi {

    /** For the upcall guard, which needs a binding outside any instance (every instance is equivalent). */
    static final FfmBinding INSTANCE = new FfmBinding();

    private static final NativeMemory MEMORY = new FfmMemory();

    @Override
    public String backendName() {
        return "ffm";
    }

    @Override
    public int ranking() {
        return 200;
    }

    @Override
    public boolean isSupported() {
        return Runtime.version().feature() >= 22;
    }

    @Override
    public void load(CPythonInstallation installation) {
        Libraries.load(installation);
    }

    @Override
    public boolean isLoaded() {
        return Libraries.isLoaded();
    }

    @Override
    public long symbol(String name) {
        return Libraries.symbol(name);
    }

    @Override
    public NativeMemory memory() {
        return MEMORY;
    }

    @Override
    public ThreadStacks threadStacks() {
        return FfmThreadStacks.INSTANCE;
    }

    @Override
    public InterpreterInit interpreterInit() {
        return FfmInterpreterInit.INSTANCE;
    }

    @Override
    public void setenv(String name, String value) {
        Libraries.setenv(name, value);
    }

    @Override
    public void unsetenv(String name) {
        Libraries.unsetenv(name);
    }

    @Override
    public long processSymbol(String name) {
        return Libraries.processSymbol(name);
    }

    @Override
    public long upcallStubFastcall(PyCFunctionFastTarget target) {
        return Upcalls.stubFastcall(target);
    }

    @Override
    public long upcallStubO(PyCFunctionOTarget target) {
        return Upcalls.stubO(target);
    }

    @Override
    public long upcallStub(PyCFunctionTarget target) {
        return Upcalls.stub(target);
    }

    @Override
    public void runPinned(Runnable action) {
        NativeFrame.run(action);
    }
}
