package dev.serpentine.ffi.ffm;

import dev.serpentine.ffi.binding.InterpreterInit;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@link InterpreterInit} on FFM; the handles are bound on first use, after libpython is loaded. */
final class FfmInterpreterInit implements InterpreterInit {

    static final FfmInterpreterInit INSTANCE = new FfmInterpreterInit();

    private FfmInterpreterInit() {
    }

    @Override
    public long calloc(long size) {
        try {
            return (long) H.CALLOC.invokeExact(1L, size);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void free(long address) {
        try {
            H.FREE.invokeExact(address);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void PyConfig_InitPythonConfig(long config) {
        try {
            H.PyConfig_InitPythonConfig.invokeExact(config);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void PyConfig_InitIsolatedConfig(long config) {
        try {
            H.PyConfig_InitIsolatedConfig.invokeExact(config);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void Py_InitializeFromConfig(long config, long status) {
        // The struct returned by value is written where the allocator says: straight into the caller's memory.
        MemorySegment target = MemorySegment.ofAddress(status).reinterpret(PYSTATUS_SIZE);
        SegmentAllocator into = (size, alignment) -> target.asSlice(0, size);
        try {
            MemorySegment unused = (MemorySegment) H.Py_InitializeFromConfig.invokeExact(into, config);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public void PyConfig_Clear(long config) {
        try {
            H.PyConfig_Clear.invokeExact(config);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    @Override
    public long PyThreadState_GetUnchecked() {
        try {
            return (long) H.PyThreadState_GetUnchecked.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static final class H {
        private static final Linker LINKER = Linker.nativeLinker();
        /** {@code PyStatus {int _type; const char *func; const char *err_msg; int exitcode;}}. */
        private static final StructLayout PY_STATUS = MemoryLayout.structLayout(JAVA_INT.withName("_type"),
                MemoryLayout.paddingLayout(4), JAVA_LONG.withName("func"), JAVA_LONG.withName("err_msg"),
                JAVA_INT.withName("exitcode"), MemoryLayout.paddingLayout(4));

        static final MethodHandle CALLOC = libc("calloc", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        static final MethodHandle FREE = libc("free", FunctionDescriptor.ofVoid(JAVA_LONG));
        static final MethodHandle PyConfig_InitPythonConfig = python("PyConfig_InitPythonConfig", FunctionDescriptor.ofVoid(JAVA_LONG));
        static final MethodHandle PyConfig_InitIsolatedConfig = python("PyConfig_InitIsolatedConfig", FunctionDescriptor.ofVoid(JAVA_LONG));
        static final MethodHandle Py_InitializeFromConfig = python("Py_InitializeFromConfig", FunctionDescriptor.of(PY_STATUS, JAVA_LONG));
        static final MethodHandle PyConfig_Clear = python("PyConfig_Clear", FunctionDescriptor.ofVoid(JAVA_LONG));
        static final MethodHandle PyThreadState_GetUnchecked = python(
                Libraries.symbol("PyThreadState_GetUnchecked") != 0 ? "PyThreadState_GetUnchecked" : "_PyThreadState_UncheckedGet",
                FunctionDescriptor.of(JAVA_LONG));

        private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
        }

        private static MethodHandle python(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(Libraries.function(name), descriptor);
        }
    }
}
