package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.GilTask;
import dev.serpentine.ffi.InterpreterUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Platform threads that hold the GIL for callers that asked not to ({@code submit}, timed calls): a fair, bounded
 * FIFO queue, a clear rejection when it is full, cancellation of tasks that have not started. A worker waits for
 * work without the GIL and takes it only to run one task, so waiting never blocks Python.
 */
final class GilExecutor {

    /** System property: worker threads (default 2). */
    static final String WORKERS = "serpentine.gil.workers";
    /** System property: queued tasks before submissions are rejected (default 1024). */
    static final String QUEUE = "serpentine.gil.queue";

    private final CPythonRuntime runtime;
    private final BlockingQueue<Job<?>> queue;
    private final int capacity;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean shutdown;

    GilExecutor(CPythonRuntime runtime) {
        this.runtime = runtime;
        this.capacity = Integer.getInteger(QUEUE, 1024);
        if (capacity < 1) throw new IllegalArgumentException("-D" + QUEUE + "=" + capacity + ": the GIL executor needs room for one task at least");
        this.queue = new ArrayBlockingQueue<>(capacity, true);
        int n = Math.max(1, Integer.getInteger(WORKERS, 2));
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::work, "serpentine-gil-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    <T> CompletableFuture<T> submit(GilTask<T> task) {
        if (shutdown) throw new InterpreterUnavailableException("the Python runtime has been shut down");
        Job<T> job = new Job<>(task);
        if (!queue.offer(job)) {
            throw new RejectedExecutionException("the GIL executor is saturated: " + capacity + " tasks are waiting"
                    + " for the GIL; raise -D" + QUEUE + " or -D" + WORKERS + ", or call from platform threads");
        }
        // A shutdown between the check above and the offer drained the queue before this job got in, and the
        // workers are gone: take it back, or it would wait forever.
        if (shutdown && queue.remove(job)) {
            job.future.completeExceptionally(new InterpreterUnavailableException("the Python runtime was shut down"));
        }
        job.future.whenComplete((r, e) -> {
            if (job.future.isCancelled()) queue.remove(job);
        });
        return job.future;
    }

    private void work() {
        while (!shutdown) {
            Job<?> job;
            try {
                job = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (job != null && !job.future.isDone()) job.run(this);
        }
    }

    /**
     * Refuses new tasks, cancels the queued ones (and those a worker took but that do not hold the GIL yet), and
     * waits a bounded time for running ones — unless the caller holds the GIL, which those would wait for.
     */
    void shutdown() {
        shutdown = true;
        for (Job<?> j = queue.poll(); j != null; j = queue.poll()) {
            j.future.completeExceptionally(new InterpreterUnavailableException("the Python runtime was shut down"));
        }
        if (CPythonRuntime.holdsGil()) return; // never block holding the GIL
        for (Thread t : workers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static final class Job<T> {
        final GilTask<T> task;
        final CompletableFuture<T> future = new CompletableFuture<>();

        Job(GilTask<T> task) {
            this.task = task;
        }

        void run(GilExecutor owner) {
            try {
                // A task starts when it holds the GIL, not when a worker takes it off the queue: a caller whose
                // timeout expired (or who cancelled) while this worker waited for the GIL was told it did not run,
                // and a shutdown meanwhile cancels it like a queued one.
                future.complete(owner.runtime.callHere(python -> {
                    if (future.isDone()) return null;
                    if (owner.shutdown) {
                        future.completeExceptionally(new InterpreterUnavailableException("the Python runtime was shut down"));
                        return null;
                    }
                    return task.call(python);
                }));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }
    }
}
