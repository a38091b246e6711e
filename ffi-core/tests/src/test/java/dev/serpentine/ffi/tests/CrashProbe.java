package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.CPythonInstallation;
import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.RunningInterpreter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Main class of {@link CrashSafetyTest}, run in a JVM of its own because what it provokes would, if unguarded, end
 * the process: {@code Py_InitializeEx} exits with code 1 when the home has no standard library, and a library that
 * is not a libpython has no functions to call.
 *
 * <p>Arguments: backend name, interpreter spec. Through that backend it starts, in this order,
 * <ol>
 *   <li>the real libpython with a home that has no standard library — must be refused before anything is loaded;</li>
 *   <li>a shared library that is not a libpython (the JVM's own {@code libzip.so}) with the real home — must be
 *       refused with a Java exception, leaving nothing loaded;</li>
 *   <li>the real interpreter, with {@code PYTHONFAULTHANDLER=1} in the environment — must start with faulthandler
 *       off, and survive JIT-compiled implicit null checks (faulthandler's SIGSEGV handler would kill the JVM).</li>
 * </ol>
 * Every step prints a line; exit code 0 means the JVM survived all of them, 2 that a step was not refused, 3 that an
 * unexpected exception escaped.
 */
public final class CrashProbe {

    private CrashProbe() {
    }

    public static void main(String[] args) {
        try {
            String backend = args[0];
            CPythonBinding py = Backends.select(CrashProbe.class.getClassLoader(), backend);
            CPythonInstallation real = CPythonInstallation.locate(args[1]);
            System.out.println("probe: backend " + py.backendName() + ", Java " + Runtime.version().feature()
                    + ", CPython " + real.version() + " from " + real.origin());

            Path emptyHome = Files.createTempDirectory("serpentine-probe-home-");
            refuse(py, "no-stdlib", new CPythonInstallation(emptyHome, real.library(), real.version(), real.preload(),
                    "probe: home without a standard library"));
            Files.delete(emptyHome);

            Path notLibpython = Path.of(System.getProperty("java.home"), "lib", "libzip.so");
            refuse(py, "not-libpython", new CPythonInstallation(real.home(), notLibpython, real.version(), List.of(),
                    "probe: library that is not a libpython"));

            RunningInterpreter in = RunningInterpreter.start(py, real);
            int gil = py.PyGILState_Ensure();
            try {
                System.out.println("started: CPython " + in.version() + ", faulthandler enabled: "
                        + in.evalString("str(__import__('faulthandler').is_enabled())")
                        + ", PYTHONFAULTHANDLER seen by Python: "
                        + in.evalString("str(__import__('os').environ.get('PYTHONFAULTHANDLER'))"));
            } finally {
                py.PyGILState_Release(gil);
            }
            System.out.println("implicit null checks survived: " + provokeNullPointers());
            ForkedJvm.exitChild(null);
        } catch (Throwable t) {
            ForkedJvm.exitChild(t);
        }
    }

    private static void refuse(CPythonBinding py, String step, CPythonInstallation bogus) {
        try {
            RunningInterpreter.start(py, bogus);
            System.out.println(step + ": NOT REFUSED");
            System.out.flush();
            System.exit(2);
        } catch (InterpreterUnavailableException e) {
            System.out.println(step + ": refused: " + e.getMessage());
        }
        System.out.println(step + ": loaded after refusal: " + py.isLoaded() + ", running: "
                + (py.isLoaded() && py.Py_IsInitialized() != 0));
    }

    /** NullPointerExceptions from compiled code: HotSpot takes them as SIGSEGV and turns them into exceptions. */
    private static String provokeNullPointers() {
        int npes = 0;
        long sum = 0;
        String[] values = {"a", null};
        for (int i = 0; i < 200_000; i++) {
            try {
                sum += length(values[i & 1]);
            } catch (NullPointerException e) {
                npes++;
            }
        }
        return npes + " NullPointerExceptions, " + sum + " lengths";
    }

    private static int length(String s) {
        return s.length();
    }
}
