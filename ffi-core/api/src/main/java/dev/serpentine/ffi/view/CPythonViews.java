package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.abi.CPythonAbi;
import dev.serpentine.ffi.binding.CPythonBinding;

/**
 * Every typed view of one running interpreter, read through the layouts of its verified ABI bundle. Made (with the
 * GIL held) by {@link dev.serpentine.ffi.abi.AbiSelector} once the bundle has passed verification.
 */
public final class CPythonViews {

    private final CPythonAbi abi;
    private final PyTypes types;
    private final PyObjectView object;
    private final PyTypeView type;
    private final PyBytesView bytes;
    private final PyByteArrayView bytearray;
    private final PyMemoryViewView memoryview;
    private final PyManagedBufferView managedBuffer;
    private final PyBufferView buffer;
    private final PyStrView str;
    private final PyLongView integer;
    private final PyFloatView floating;
    private final PyListView list;
    private final PyTupleView tuple;
    private final PyDictView dict;

    public CPythonViews(CPythonBinding py, CPythonAbi abi) {
        this.abi = abi;
        AbiLayout l = abi.layout();
        this.types = new PyTypes(py);
        this.object = new PyObjectView(py, l, types);
        this.type = new PyTypeView(py, l, types);
        this.bytes = new PyBytesView(py, l, types);
        this.bytearray = new PyByteArrayView(py, l, types);
        this.memoryview = new PyMemoryViewView(py, l, types);
        this.managedBuffer = new PyManagedBufferView(py, l, types);
        this.buffer = new PyBufferView(py.memory());
        this.str = new PyStrView(py, l, types);
        this.integer = new PyLongView(py, l, types);
        this.floating = new PyFloatView(py, l, types);
        this.list = new PyListView(py, l, types);
        this.tuple = new PyTupleView(py, l, types);
        this.dict = new PyDictView(py, l, types);
    }

    public CPythonAbi abi() {
        return abi;
    }

    public PyTypes types() {
        return types;
    }

    public PyObjectView object() {
        return object;
    }

    public PyTypeView type() {
        return type;
    }

    public PyBytesView bytes() {
        return bytes;
    }

    public PyByteArrayView bytearray() {
        return bytearray;
    }

    public PyMemoryViewView memoryview() {
        return memoryview;
    }

    public PyManagedBufferView managedBuffer() {
        return managedBuffer;
    }

    public PyBufferView buffer() {
        return buffer;
    }

    public PyStrView str() {
        return str;
    }

    public PyLongView integer() {
        return integer;
    }

    public PyFloatView floating() {
        return floating;
    }

    public PyListView list() {
        return list;
    }

    public PyTupleView tuple() {
        return tuple;
    }

    public PyDictView dict() {
        return dict;
    }
}
