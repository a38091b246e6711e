package dev.serpentine.ffi.ffm;

import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.binding.CPythonBinding;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * libc's {@code dlopen}/{@code dlsym}/{@code setenv}, and the one libpython of the process.
 *
 * <p>libpython is opened with {@code dlopen(RTLD_NOW | RTLD_GLOBAL)}, not {@code SymbolLookup.libraryLookup}, which
 * opens it RTLD_LOCAL: C extension modules ({@code _json}) would then fail to resolve libpython's symbols.
 */
final class Libraries {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle DLOPEN = libc("dlopen", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle DLSYM = libc("dlsym", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle DLERROR = libc("dlerror", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle SETENV = libc("setenv", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle UNSETENV = libc("unsetenv", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private static volatile MemorySegment libpython;
    private static Path loadedPath;

    private Libraries() {
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        MemorySegment f = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new InterpreterUnavailableException("libc does not export " + name));
        return LINKER.downcallHandle(f, descriptor);
    }

    static synchronized void load(CPythonInstallation installation) {
        Path lib = installation.library();
        if (libpython != null) {
            if (lib.equals(loadedPath)) return;
            throw new InterpreterUnavailableException("this process already loaded " + loadedPath + "; cannot load " + lib);
        }
        for (Path p : installation.preload()) {
            dlopen(p);
        }
        MemorySegment handle = dlopen(lib);
        // Any shared library loads; one that is not a libpython would fail later, in FfmCApi.H's initializer,
        // as an ExceptionInInitializerError that leaves the backend unusable for the process. Refuse it here.
        if (dlsym(handle, "Py_InitializeEx") == 0) {
            throw new InterpreterUnavailableException("cannot load " + lib + ": undefined symbol: Py_InitializeEx"
                    + " (not a libpython)");
        }
        libpython = handle;
        loadedPath = lib;
    }

    static boolean isLoaded() {
        return libpython != null;
    }

    private static MemorySegment dlopen(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) DLOPEN.invokeExact(arena.allocateFrom(path.toString()),
                    CPythonBinding.RTLD_NOW | CPythonBinding.RTLD_GLOBAL);
            if (handle.address() == 0) {
                throw new InterpreterUnavailableException("cannot load " + path + ": " + dlerror()
                        + " (a cache on a noexec mount cannot hold libraries)");
            }
            return handle;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static String dlerror() throws Throwable {
        MemorySegment msg = (MemorySegment) DLERROR.invokeExact();
        return msg.address() == 0 ? "unknown error" : msg.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    static long symbol(String name) {
        MemorySegment lib = libpython;
        if (lib == null) throw new IllegalStateException("libpython is not loaded");
        return dlsym(lib, name);
    }

    /** {@code dlsym(RTLD_DEFAULT, name)}: the process's global scope. */
    static long processSymbol(String name) {
        return dlsym(MemorySegment.NULL, name);
    }

    private static long dlsym(MemorySegment lib, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = (MemorySegment) DLSYM.invokeExact(lib, arena.allocateFrom(name));
            return s.address();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A function of libpython, for a downcall handle. */
    static MemorySegment function(String name) {
        long address = symbol(name);
        if (address == 0) throw new InterpreterUnavailableException("libpython does not export " + name);
        return MemorySegment.ofAddress(address);
    }

    static void setenv(String name, String value) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) SETENV.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1);
            if (rc != 0) throw new IllegalArgumentException("setenv(" + name + ") failed");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void unsetenv(String name) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) UNSETENV.invokeExact(arena.allocateFrom(name));
            if (rc != 0) throw new IllegalArgumentException("unsetenv(" + name + ") failed");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
