package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.RunningInterpreter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the JVM's signals the JVM's. HotSpot on Linux handles SIGSEGV, SIGBUS, SIGFPE, SIGILL (and SIGTRAP on some
 * CPUs) for its own machinery — implicit null checks, stack banging, safepoint polls — plus SIGPIPE and SIGXFSZ
 * (ignored), SIGUSR2 (thread suspension) and SIGQUIT (thread dumps). A Python handler in their place kills the JVM
 * at its next implicit null check: faulthandler's re-raises the fault "sent by kill".
 *
 * <p>When the first runtime starts, this records which of those signals have a handler (the JVM's, or one that
 * native code chained into it) and wraps Python's doors to them ({@code jvm_signals.py}): {@code signal.signal},
 * {@code signal.siginterrupt}, {@code signal.pthread_sigmask} and {@code faulthandler.register} refuse a JVM
 * signal with {@code ValueError}; {@code faulthandler.enable()} works, after which the JVM's fault handlers are put
 * back (faulthandler keeps SIGABRT and its dump functions). With the JDK's {@code libjsig} preloaded, the JVM
 * chains the handlers Python installs for the signals it set up at its start: faulthandler stays fully enabled
 * (it reports crashes in native code), and SIGPIPE/SIGXFSZ handlers are allowed.
 */
final class JvmSignals {

    /** The signals HotSpot handles on Linux; which of them it does in this process is read at start. */
    private static final List<String> CANDIDATES = List.of("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGTRAP",
            "SIGPIPE", "SIGXFSZ", "SIGUSR2", "SIGQUIT");
    /** Raised by the CPU: the handler must resolve the fault before the instruction runs again. */
    private static final Set<String> FAULTS = Set.of("SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL", "SIGTRAP");
    /**
     * The others HotSpot installs between libjsig's {@code JVM_begin_signal_setting} and {@code _end_}, so that
     * libjsig chains a later handler behind the JVM's. SIGUSR2 and SIGQUIT are installed outside that window: a
     * later {@code sigaction} replaces them even with libjsig.
     */
    private static final Set<String> CHAINABLE = Set.of("SIGPIPE", "SIGXFSZ");
    /** More than {@code sizeof(struct sigaction)} (152 with glibc on x86-64 and AArch64). */
    private static final int SIGACTION_SIZE = 256;
    private static final long SIG_DFL = 0;
    private static final long SIG_IGN = 1;
    /** Exported by libjsig; HotSpot looks it up the same way to decide whether it chains. */
    static final String LIBJSIG_SYMBOL = "JVM_get_signal_action";

    /** Signal number → the JVM's {@code struct sigaction} of a fault signal, in raw memory kept for the process. */
    private static final Map<Integer, Long> FAULT_ACTIONS = new LinkedHashMap<>();
    private static CPythonBinding binding;

    private JvmSignals() {
    }

    /**
     * Records the JVM's handlers and wraps Python's signal functions (GIL held, before any user code runs); adds
     * {@code serpentine._restore_jvm_signals()}, which puts the JVM's fault handlers back.
     */
    static synchronized void guard(RunningInterpreter interpreter, PythonScope python, long module) {
        CPythonBinding py = interpreter.binding();
        boolean chained = py.processSymbol(LIBJSIG_SYMBOL) != 0;
        NativeMemory mem = py.memory();
        Map<Integer, String> jvm = new LinkedHashMap<>();
        long query = py.PyMem_RawCalloc(1, SIGACTION_SIZE);
        if (query == 0) throw new OutOfMemoryError("PyMem_RawCalloc(" + SIGACTION_SIZE + ")");
        try {
            for (String name : CANDIDATES) {
                int signal;
                try (PyRef n = python.eval("getattr(__import__('_signal'), '" + name + "', -1)")) {
                    signal = ((Number) python.toJava(n)).intValue();
                }
                if (signal < 0 || py.sigaction(signal, 0, query) != 0) continue;
                long handler = mem.getLong(query);
                if (handler == SIG_DFL || handler == SIG_IGN) continue;
                jvm.put(signal, name);
                if (FAULTS.contains(name) && !FAULT_ACTIONS.containsKey(signal)) {
                    long saved = py.PyMem_RawCalloc(1, SIGACTION_SIZE); // kept for the process
                    if (saved == 0) throw new OutOfMemoryError("PyMem_RawCalloc(" + SIGACTION_SIZE + ")");
                    mem.copy(query, saved, SIGACTION_SIZE);
                    FAULT_ACTIONS.put(signal, saved);
                }
            }
        } finally {
            py.PyMem_RawFree(query);
        }
        binding = py;
        NativeFunction.add(py, module, SerpentineModule.NAME,
                "_restore_jvm_signals()\n--\n\nPuts back the JVM's handlers of SIGSEGV, SIGBUS, SIGFPE and SIGILL.",
                Signature.none("_restore_jvm_signals"), (scope, args) -> {
                    restoreFaultHandlers();
                    return scope.eval("None");
                });
        interpreter.exec(script()); // in Serpentine's private namespace, not __main__
        long installFunction = interpreter.eval("install"); // new
        try (PyRef install = python.borrowed(installFunction);
             PyRef self = python.borrowed(module);
             PyRef restoreFunction = python.getAttr(self, "_restore_jvm_signals");
             PyRef jvmSignals = python.eval(pythonDict(jvm));
             PyRef faults = python.eval(pythonSet(jvm, FAULTS));
             PyRef chainable = python.eval(pythonSet(jvm, CHAINABLE))) {
            python.call(install, jvmSignals, faults, chainable, chained, restoreFunction).close();
        } finally {
            py.Py_DecRef(installFunction);
        }
    }

    /** Puts back the JVM's handlers of the fault signals, as they were when the first runtime started. */
    static synchronized void restoreFaultHandlers() {
        for (Map.Entry<Integer, Long> e : FAULT_ACTIONS.entrySet()) {
            if (binding.sigaction(e.getKey(), e.getValue(), 0) != 0) {
                throw new IllegalStateException("sigaction(" + e.getKey() + ") failed restoring the JVM's handler");
            }
        }
    }

    private static String pythonDict(Map<Integer, String> signals) {
        List<String> items = new ArrayList<>();
        signals.forEach((n, name) -> items.add(n + ": '" + name + "'"));
        return "{" + String.join(", ", items) + "}";
    }

    private static String pythonSet(Map<Integer, String> signals, Set<String> names) {
        List<String> items = new ArrayList<>();
        signals.forEach((n, name) -> {
            if (names.contains(name)) items.add(String.valueOf(n));
        });
        return "frozenset([" + String.join(", ", items) + "])";
    }

    private static String script() {
        try (InputStream in = JvmSignals.class.getResourceAsStream("jvm_signals.py")) {
            if (in == null) throw new IllegalStateException("python-bridge has no jvm_signals.py");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read jvm_signals.py", e);
        }
    }
}
