package dev.serpentine.bridge;

/** The main job: start the embedded default CPython (or {@code -Dserpentine.python=…}) and say what runs. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        PythonRuntime runtime = PythonRuntime.builder().start();
        System.out.println("Serpentine: the embedded interpreter is up");
        System.out.println("interpreter: CPython " + runtime.version() + " from " + runtime.installation().origin());
        System.out.println("build:       " + runtime.flavour() + " (abiflags '" + runtime.flavour().abiflags() + "')");
        System.out.println("ABI bundle:  " + runtime.abi());
        System.out.println("backend:     " + runtime.backend() + " on Java " + Runtime.version());
    }
}
