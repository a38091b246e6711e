package dev.serpentine.bridge;

import dev.serpentine.ffi.InterpreterUnavailableException;
import dev.serpentine.ffi.binding.Backends;
import dev.serpentine.ffi.binding.CPythonBinding;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * Interpreter start-up and ownership scenarios for {@link InterpreterLifecycleTest}, each in a forked JVM (see
 * {@link Fork}): they initialize CPython in ways that leave it unusable, or could crash or hang the JVM. Each prints
 * {@code key=value} lines and exits 0 when it got to its end.
 */
public final class LifecycleForks {

    private LifecycleForks() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "start-failures" -> startFailures(List.of(args).subList(1, args.length));
            case "refused-twice" -> refusedTwice();
            case "freed-main" -> freedMain();
            case "restart-deadlock" -> restartDeadlock();
            case "adopt" -> adopt();
            default -> throw new IllegalArgumentException("no scenario " + args[0]);
        }
        System.out.println("end=reached");
        System.out.flush();
        System.exit(0);
    }

    private static CPythonBinding backend() {
        return Backends.select(LifecycleForks.class.getClassLoader(), System.getProperty("serpentine.backend", ""));
    }

    private static String oneLine(Throwable t) {
        return t.getClass().getSimpleName() + ": " + String.valueOf(t.getMessage()).replace('\n', ' ');
    }

    /**
     * Each {@code NAME=VALUE} is put in the process environment (libc's, which CPython reads) for one start, then
     * removed; afterwards the configured interpreter starts, in the same process.
     */
    private static void startFailures(List<String> settings) {
        CPythonBinding py = backend();
        for (int i = 0; i < settings.size(); i++) {
            String[] kv = settings.get(i).split("=", 2);
            py.setenv(kv[0], kv[1]);
            try {
                PythonRuntime rt = ForkedMain.configured().start();
                System.out.println("result" + i + "=started " + rt.version());
            } catch (InterpreterUnavailableException e) {
                System.out.println("result" + i + "=refused " + oneLine(e));
            } finally {
                py.unsetenv(kv[0]);
            }
            System.out.println("initialized" + i + "=" + ForkedMain.initialized());
        }
        PythonRuntime rt = ForkedMain.configured().start();
        System.out.println("started=" + ForkedMain.eval(rt, "__import__('sys').version.split()[0]"));
    }

    /** A start that fails half-way (its cause set by the test), and a second start, which must be refused too. */
    private static void refusedTwice() {
        for (String attempt : List.of("first", "second")) {
            try {
                PythonRuntime rt = ForkedMain.configured().start();
                System.out.println(attempt + "=started " + rt.version());
            } catch (InterpreterUnavailableException e) {
                System.out.println(attempt + "=refused " + oneLine(e));
            }
        }
        System.out.println("jvm=alive");
    }

    /** User code drops {@code __main__}: the bridge's namespace must stay alive (it owns a reference to it). */
    private static void freedMain() {
        PythonRuntime rt = ForkedMain.configured().start();
        rt.call(python -> {
            python.exec("import sys, weakref\n_main_ref = weakref.ref(sys.modules['__main__'])\n"
                    + "_before = sys.getrefcount(globals())\n");
            python.exec("import sys; del sys.modules['__main__']");
            python.exec("d = [{} for _ in range(10000)]");
            return null;
        });
        System.out.println("moduleFreed=" + ForkedMain.eval(rt, "_main_ref() is None"));
        System.out.println("len=" + ForkedMain.eval(rt, "len(d)"));
        System.out.println("refsDropped=" + ForkedMain.eval(rt, "_before - sys.getrefcount(globals())"));
        rt.call(python -> {
            python.exec("x = 41");
            return null;
        });
        System.out.println("x=" + ForkedMain.eval(rt, "x + 1"));
        System.out.println("newMain=" + ForkedMain.eval(rt, "'__main__' in sys.modules"));
    }

    /**
     * Issue 8 item 11. T2 holds the GIL inside a task of rt1 and starts a runtime; meanwhile rt1 is shut down and T1
     * starts one, which takes the starter's lock and then needs the GIL. Both starts must return the same runtime.
     */
    private static void restartDeadlock() throws Exception {
        PythonRuntime rt1 = ForkedMain.configured().start();
        CountDownLatch inTask = new CountDownLatch(1);
        CompletableFuture<PythonRuntime> t2 = new CompletableFuture<>();
        Thread thread2 = new Thread(() -> {
            try {
                t2.complete(rt1.call(py -> {
                    inTask.countDown();
                    Thread.sleep(1000); // T1 meanwhile takes the starter's lock and waits for this GIL
                    return ForkedMain.configured().start();
                }));
            } catch (Throwable t) {
                t2.completeExceptionally(t);
            }
        }, "T2");
        thread2.start();
        inTask.await();
        rt1.shutdown();
        PythonRuntime fromT1 = ForkedMain.configured().start();
        PythonRuntime fromT2 = t2.get();
        System.out.println("sameRuntime=" + (fromT1 == fromT2));
        System.out.println("newRuntime=" + (fromT1 != rt1));
        System.out.println("works=" + ForkedMain.eval(fromT1, "6 * 7"));
    }

    /**
     * What an OSGi refresh of the api bundle does: the platform's classes load again, with fresh statics, while
     * CPython runs. The new copy must adopt the interpreter. JNA stays in a parent loader, as its bundle would (its
     * native library can belong to one class loader only).
     */
    private static void adopt() throws Exception {
        PythonRuntime first = ForkedMain.configured().start();
        first.call(py -> {
            py.exec("kept = 'set by the first copy'");
            return null;
        });
        List<URL> jna = new ArrayList<>();
        List<URL> rest = new ArrayList<>();
        // On the module path the platform's jars are module-path entries, not class-path ones.
        String entries = System.getProperty("java.class.path") + java.io.File.pathSeparator
                + System.getProperty("jdk.module.path", "");
        for (String entry : entries.split(java.io.File.pathSeparator)) {
            if (entry.isEmpty()) continue;
            URL url = Path.of(entry).toUri().toURL();
            if (jna.contains(url) || rest.contains(url)) continue;
            (Path.of(entry).getFileName().toString().startsWith("jna") ? jna : rest).add(url);
        }
        ClassLoader jnaLoader = new URLClassLoader(jna.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        try (URLClassLoader again = new SerpentineFirst(rest.toArray(URL[]::new), jnaLoader)) {
            Class<?> runtimeClass = again.loadClass(PythonRuntime.class.getName());
            System.out.println("separateClasses=" + (runtimeClass != PythonRuntime.class));
            Object builder = runtimeClass.getMethod("builder").invoke(null);
            Class<?> builderClass = builder.getClass();
            builderClass.getMethod("interpreter", String.class).invoke(builder, System.getProperty("serpentine.test.python", ""));
            builderClass.getMethod("backend", String.class).invoke(builder, System.getProperty("serpentine.backend", ""));
            Object second;
            try {
                second = builderClass.getMethod("start").invoke(builder);
            } catch (java.lang.reflect.InvocationTargetException e) {
                System.out.println("adopted=refused " + oneLine(e.getCause()));
                return;
            }
            System.out.println("adopted=" + second);
            Class<?> taskClass = again.loadClass(GilTask.class.getName());
            Class<?> pythonClass = again.loadClass(Python.class.getName());
            Class<?> refClass = again.loadClass(PyRef.class.getName());
            Method eval = pythonClass.getMethod("eval", String.class);
            Method toJava = pythonClass.getMethod("toJava", refClass);
            Object task = Proxy.newProxyInstance(again, new Class<?>[]{taskClass}, (proxy, method, margs) -> {
                if (!method.getName().equals("call")) throw new UnsupportedOperationException(method.getName());
                try (AutoCloseable ref = (AutoCloseable) eval.invoke(margs[0], "kept")) {
                    return toJava.invoke(margs[0], ref);
                }
            });
            System.out.println("kept=" + runtimeClass.getMethod("call", taskClass).invoke(second, task));
            System.out.println("firstStillWorks=" + ForkedMain.eval(first, "kept"));
        }
    }

    /**
     * Loads Serpentine's classes itself, before asking its parent: a parent in the JDK's built-in loaders finds a
     * package of a boot-layer module (the module-path run) in that module, which would hand back the first copy.
     */
    private static final class SerpentineFirst extends URLClassLoader {

        SerpentineFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.serpentine.")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        return super.loadClass(name, resolve);
                    }
                }
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }
}
