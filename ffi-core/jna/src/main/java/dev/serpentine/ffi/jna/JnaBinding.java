package dev.serpentine.ffi.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.InterpreterInit;
import dev.serpentine.ffi.binding.ThreadStacks;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.PyCFunctionFastTarget;
import dev.serpentine.ffi.binding.PyCFunctionOTarget;
import dev.serpentine.ffi.binding.PyCFunctionTarget;
import org.osgi.service.component.annotations.Component;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The C-API binding on JNA direct mapping ({@code Native.register}) with raw {@code long} arguments: about 50 ns a
 * call, against 200–300 ns for interface mapping and its {@code Pointer} objects.
 *
 * <p>The C functions are generated from their {@code @CFunction} declarations into {@link JnaCApi}; this class adds
 * what is not a libpython call (loading, symbols, memory, libc, upcall stubs).
 */
@Component(service = CPythonBinding.class, property = {"backend=jna", "service.ranking:Integer=100"})
public final class JnaBinding extends JnaCApi {

    /** For the upcall guard, which needs a binding outside any instance (every instance is equivalent). */
    static final JnaBinding INSTANCE = new JnaBinding();

    private static final NativeMemory MEMORY = new JnaMemory();
    private static final List<NativeLibrary> PRELOADED = new ArrayList<>();
    private static NativeLibrary libpython;
    private static Path loadedPath;

    @Override
    public String backendName() {
        return "jna";
    }

    @Override
    public int ranking() {
        return 100;
    }

    @Override
    public boolean isSupported() {
        return true;
    }

    @Override
    public void load(CPythonInstallation installation) {
        synchronized (JnaBinding.class) {
            Path lib = installation.library();
            if (libpython != null) {
                if (lib.equals(loadedPath)) return;
                throw new InterpreterUnavailableException("this process already loaded " + loadedPath + "; cannot load " + lib);
            }
            // RTLD_GLOBAL: C extension modules (_json) resolve their symbols against libpython.
            Map<String, Object> options = Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOW | RTLD_GLOBAL);
            try {
                for (Path p : installation.preload()) {
                    PRELOADED.add(NativeLibrary.getInstance(p.toString(), options));
                }
                NativeLibrary library = NativeLibrary.getInstance(lib.toString(), options);
                Native.register(JnaCApi.LibPython.class, library);
                libpython = library;
                loadedPath = lib;
            } catch (UnsatisfiedLinkError e) {
                throw new InterpreterUnavailableException("cannot load " + lib + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean isLoaded() {
        synchronized (JnaBinding.class) {
            return libpython != null;
        }
    }

    /** The loaded libpython, for registering functions only some versions export. */
    NativeLibrary library() {
        synchronized (JnaBinding.class) {
            if (libpython == null) throw new IllegalStateException("libpython is not loaded");
            return libpython;
        }
    }

    @Override
    public long symbol(String name) {
        NativeLibrary lib;
        synchronized (JnaBinding.class) {
            lib = libpython;
        }
        if (lib == null) throw new IllegalStateException("libpython is not loaded");
        try {
            return Pointer.nativeValue(lib.getGlobalVariableAddress(name));
        } catch (UnsatisfiedLinkError e) {
            return 0;
        }
    }

    @Override
    public NativeMemory memory() {
        return MEMORY;
    }

    @Override
    public ThreadStacks threadStacks() {
        return JnaThreadStacks.INSTANCE;
    }

    @Override
    public InterpreterInit interpreterInit() {
        return JnaInterpreterInit.INSTANCE;
    }

    @Override
    public void setenv(String name, String value) {
        if (LibC.setenv(name, value, 1) != 0) throw new IllegalArgumentException("setenv(" + name + ") failed");
    }

    @Override
    public void unsetenv(String name) {
        if (LibC.unsetenv(name) != 0) throw new IllegalArgumentException("unsetenv(" + name + ") failed");
    }

    @Override
    public long processSymbol(String name) {
        try { // JNA's process library is dlopen(NULL): the global scope, as RTLD_DEFAULT
            return Pointer.nativeValue(NativeLibrary.getProcess().getGlobalVariableAddress(name));
        } catch (UnsatisfiedLinkError e) {
            return 0;
        }
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
    /** The few libc functions the binding needs. */
    static final class LibC {
        static {
            Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }

        private LibC() {
        }

        static native int setenv(String name, String value, int overwrite);

        static native int unsetenv(String name);

        static native long memmove(long dst, long src, long n);
    }
}
