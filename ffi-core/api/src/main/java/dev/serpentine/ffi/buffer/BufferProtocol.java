package dev.serpentine.ffi.buffer;

import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.GilOwnership;
import dev.serpentine.ffi.binding.RunningInterpreter;
import dev.serpentine.ffi.view.PyBufferView;

/** Acquires buffers from exporters ({@code bytes}, {@code bytearray}, {@code memoryview}, {@code array}, numpy …). */
public final class BufferProtocol {

    private final RunningInterpreter interpreter;
    private final CPythonBinding py;
    private final PyBuffers buffers;

    public BufferProtocol(RunningInterpreter interpreter) {
        this.interpreter = interpreter;
        this.py = interpreter.binding();
        this.buffers = new PyBuffers(py.memory());
    }

    /** The Java buffer algorithms, for a {@code Py_buffer} acquired elsewhere. */
    public PyBuffers buffers() {
        return buffers;
    }

    /**
     * {@code PyObject_GetBuffer(exporter, view, flags)} into a fresh {@code Py_buffer}; the GIL must be held.
     * Release the result with {@link AcquiredBuffer#close()} (also under the GIL).
     *
     * @param flags {@link BufferFlags}: what the caller can handle and whether it needs to write
     * @throws PythonException with the exporter's own error (e.g. {@code BufferError: Object is not writable.})
     * @throws IllegalStateException when this thread does not hold the GIL ({@link GilOwnership})
     */
    public AcquiredBuffer acquire(long exporter, int flags) {
        GilOwnership.require("acquiring a buffer");
        if (exporter == 0) throw new IllegalArgumentException("cannot acquire a buffer from NULL");
        long view = py.PyMem_Calloc(1, PyBufferView.SIZE);
        if (view == 0) throw new OutOfMemoryError("PyMem_Calloc(" + PyBufferView.SIZE + ") failed");
        if (py.PyObject_GetBuffer(exporter, view, flags) != 0) {
            py.PyMem_Free(view);
            throw interpreter.error("PyObject_GetBuffer");
        }
        return new AcquiredBuffer(py, buffers, view);
    }
}
