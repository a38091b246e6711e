package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.StackReserve;

import java.lang.ref.Cleaner;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process's Java-owned Python references: the handles, their live count, and the decrefs waiting for the GIL
 * (from virtual threads and from the {@code Cleaner}, which must never touch Python). The queue is drained at
 * every GIL entry.
 */
public final class References {

    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "serpentine-reference-cleaner");
        t.setDaemon(true);
        return t;
    });

    /** Frames of {@link StackReserve} checked before the GIL is taken: deeper than the release path. */
    private static final int RELEASE_RESERVE = 16;

    private final CPythonBinding py;
    /** The bound layout's facts for {@link StackBudget}: a {@code __del__} run here gets this thread's limits too. */
    private final AbiLayout layout;
    private final ConcurrentLinkedQueue<Long> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong live = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();

    References(CPythonBinding py, AbiLayout layout) {
        this.py = py;
        this.layout = layout;
    }

    /** Takes ownership of a new reference. */
    PyRef adopt(long newReference) {
        if (newReference == 0) throw new IllegalArgumentException("cannot own NULL");
        return new Owned(this, newReference);
    }

    /** A new handle on a borrowed reference (increfs it; GIL held). */
    PyRef borrow(long borrowed) {
        if (borrowed == 0) throw new IllegalArgumentException("cannot own NULL");
        py.Py_IncRef(borrowed);
        return new Owned(this, borrowed);
    }

    /**
     * Drops the queued references; GIL held. Iterative and never nested: a decref can run a {@code __del__} that
     * enters the bridge again (an upcall, a closed handle), and a drain there would run the next {@code __del__}
     * one level deeper, and so on down the queue (a RecursionError, or with FFM a dead JVM). A drain that finds one
     * running, on this thread or on another that released the GIL inside a {@code __del__}, leaves the queue to it.
     */
    void drain() {
        if (pending.isEmpty() || !draining.compareAndSet(false, true)) return;
        try {
            for (Long a = pending.poll(); a != null; a = pending.poll()) {
                py.Py_DecRef(a);
            }
        } finally {
            draining.set(false);
        }
    }

    long live() {
        return live.get();
    }

    int pending() {
        return pending.size();
    }

    /**
     * A decref now when this thread holds or can take the GIL, else at the next GIL entry. A platform thread outside
     * the bridge's scopes goes through PyGILState_Ensure (which only nests when it holds the GIL already):
     * PyGILState_Check cannot tell, as CPython disables it for good — it answers 1 on every thread — once a
     * sub-interpreter has been created.
     */
    private void decref(long address) {
        if (CPythonRuntime.holdsGil()) {
            py.Py_DecRef(address); // inside a task or an upcall, pinned if virtual
        } else if (Threads.isVirtual(Thread.currentThread())) {
            pending.add(address); // a virtual thread takes the GIL only pinned, inside a call
        } else {
            StackReserve.check(RELEASE_RESERVE); // an overflow after the Ensure must not skip the Release
            int state = py.PyGILState_Ensure();
            long[] budget = null;
            try {
                budget = StackBudget.enter(py, layout);
                py.Py_DecRef(address);
                drain();
            } finally {
                try {
                    if (budget != null) StackBudget.exit(py, budget);
                } finally {
                    py.PyGILState_Release(state);
                }
            }
        }
    }

    /** The shared state of a handle and its cleaner action (which must not reach the handle itself). */
    private static final class State implements Runnable {
        final References refs;
        final long address;
        final AtomicBoolean done = new AtomicBoolean();

        State(References refs, long address) {
            this.refs = refs;
            this.address = address;
        }

        @Override
        public void run() { // the handle became unreachable while open
            if (done.compareAndSet(false, true)) {
                refs.live.decrementAndGet();
                refs.pending.add(address);
            }
        }
    }

    private static final class Owned implements PyRef {
        private final State state;
        private final Cleaner.Cleanable cleanable;

        Owned(References refs, long address) {
            this.state = new State(refs, address);
            this.cleanable = CLEANER.register(this, state);
            refs.live.incrementAndGet();
        }

        @Override
        public long address() {
            if (state.done.get()) throw new IllegalStateException("the PyRef is closed");
            return state.address;
        }

        @Override
        public boolean isClosed() {
            return state.done.get();
        }

        @Override
        public void close() {
            if (state.done.compareAndSet(false, true)) {
                cleanable.clean(); // deregisters; its action sees done and does nothing
                state.refs.live.decrementAndGet();
                state.refs.decref(state.address);
            }
        }

        @Override
        public long detach() {
            if (!state.done.compareAndSet(false, true)) throw new IllegalStateException("the PyRef is closed");
            cleanable.clean();
            state.refs.live.decrementAndGet();
            return state.address;
        }

        @Override
        public String toString() {
            return state.done.get() ? "PyRef[closed]" : "PyRef[0x" + Long.toHexString(state.address) + "]";
        }
    }
}
