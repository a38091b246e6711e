package dev.serpentine.bridge;

/**
 * Work that runs with the GIL held. The {@link Python} it receives is valid only during the call and only on the
 * thread running it. Do not block (locks, I/O, waiting on futures) inside: every other Python caller waits.
 */
@FunctionalInterface
public interface GilTask<T> {
    T call(Python python) throws Exception;
}
