package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.ffi.binding.CPythonBinding;

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

    private final CPythonBinding py;
    private final ConcurrentLinkedQueue<Long> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong live = new AtomicLong();

    References(CPythonBinding py) {
        this.py = py;
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

    /** Drops the queued references; GIL held. */
    void drain() {
        for (Long a = pending.poll(); a != null; a = pending.poll()) {
            py.Py_DecRef(a);
        }
    }

    long live() {
        return live.get();
    }

    int pending() {
        return pending.size();
    }

    /**
     * A decref now when this thread can take the GIL, else at the next GIL entry. A platform thread always goes
     * through PyGILState_Ensure (which only nests when it holds the GIL already): PyGILState_Check cannot tell, as
     * CPython disables it for good — it answers 1 on every thread — once a sub-interpreter has been created.
     */
    private void decref(long address) {
        if (Threads.isVirtual(Thread.currentThread())) {
            pending.add(address); // a virtual thread never takes the GIL
        } else {
            int state = py.PyGILState_Ensure();
            try {
                py.Py_DecRef(address);
                drain();
            } finally {
                py.PyGILState_Release(state);
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
