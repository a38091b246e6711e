package dev.serpentine.ffi.abi;

import dev.serpentine.ffi.AbiMismatchException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.RunningInterpreter;
import dev.serpentine.ffi.binding.StackReserve;
import dev.serpentine.ffi.view.CPythonViews;
import dev.serpentine.ffi.view.PyMemoryViewView;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks an ABI bundle against the live interpreter before anything reads memory through it: each layout fact is
 * compared with what CPython's own C-API reports for freshly made objects. Scalar facts (type sizes and flags) come
 * first, so that a wrong layout is refused before any pointer read through it is followed.
 */
public final class AbiVerifier {

    private final RunningInterpreter in;
    private final CPythonBinding py;
    private final NativeMemory mem;
    private final CPythonAbi abi;
    private final AbiLayout l;
    private final String supported;
    private final List<Long> owned = new ArrayList<>();
    private CPythonViews v;

    private AbiVerifier(RunningInterpreter in, CPythonAbi abi, String supported) {
        this.in = in;
        this.py = in.binding();
        this.mem = py.memory();
        this.abi = abi;
        this.l = abi.layout();
        this.supported = supported;
    }

    /**
     * Verifies {@code abi} against the running interpreter (taking the GIL) and returns its views.
     *
     * @throws AbiMismatchException naming the version, field, expected and found values, and the supported range
     */
    public static CPythonViews verify(RunningInterpreter interpreter, CPythonAbi abi, String supported) {
        AbiVerifier verifier = new AbiVerifier(interpreter, abi, supported);
        CPythonBinding py = interpreter.binding();
        StackReserve.check(8); // a StackOverflowError after the Ensure must not skip the Release
        int gil = py.PyGILState_Ensure();
        try {
            return verifier.run();
        } finally {
            try {
                verifier.owned.forEach(py::Py_DecRef);
            } finally {
                py.PyGILState_Release(gil);
            }
        }
    }

    private CPythonViews run() {
        expect("ABI tag", in.version().abiTag(), abi.tag());
        expect("build flavour", in.flavour().layoutName(), abi.flavour());
        v = new CPythonViews(py, abi);
        var t = v.types();

        long one = own(py.PyLong_FromLongLong(1000));
        expect("PyObject.ob_type (offset " + l.obType + ")", t.longType, mem.getLong(one + l.obType));
        expect("PyTypeObject.tp_flags (offset " + l.tpFlags + ") of int", py.PyType_GetFlags(t.longType),
                mem.getLong(t.longType + l.tpFlags));
        basicsize("bytes", t.bytesType, l.bytesBasicsize);
        basicsize("str", t.strType, l.strBasicsize);
        basicsize("int", t.longType, l.intBasicsize);
        basicsize("tuple", t.tupleType, l.tupleBasicsize);
        basicsize("list", t.listType, l.listBasicsize);
        basicsize("dict", t.dictType, l.dictBasicsize);
        basicsize("float", t.floatType, l.floatBasicsize);
        basicsize("bytearray", t.bytearrayType, l.bytearrayBasicsize);
        basicsize("memoryview", t.memoryviewType, l.memoryviewBasicsize);
        expect("PyTypeObject.tp_itemsize of int", 4L, v.type().itemsize(t.longType));
        pointer("PyTypeObject.tp_name (offset " + l.tpName + ") of int", mem.getLong(t.longType + l.tpName), 1);
        expect("PyTypeObject.tp_name of int", "int", v.type().name(t.longType));
        expect("None", t.none, own(in.eval("None")));
        expect("True", t.trueObject, own(in.eval("True")));
        expect("False", t.falseObject, own(in.eval("False")));

        checkBytes();
        checkStr();
        checkInt();
        checkContainers();
        checkMemoryview();
        checkDict("{'a': 1, 'b': 2, 'c': 3, 4: 'd'}", "b");
        checkDict("{'x%d' % i: i for i in range(300)}", "x7");
        in.exec("class _SerpentineAbiProbe:\n"
                + "    def __init__(self):\n"
                + "        self.p = 1\n"
                + "        self.q = 2\n"
                + "_serpentine_probe = _SerpentineAbiProbe.__new__(_SerpentineAbiProbe)\n"
                + "_serpentine_probe.q = 1\n"
                + "_serpentine_probe.p = 2\n");
        checkDict("_serpentine_probe.__dict__", null);
        checkDict("_SerpentineAbiProbe().__dict__", null);
        return v;
    }

    private void checkBytes() {
        long b = own(in.eval("b'serpentine'"));
        expect("PyBytesObject.ob_sval (offset " + l.bytesData + ")", py.PyBytes_AsString(b), v.bytes().data(b));
        expect("PyBytesObject.ob_size", py.PyBytes_Size(b), v.bytes().size(b));
        long hash = py.PyObject_Hash(b);
        expect("PyBytesObject.ob_shash (offset " + l.bytesHash + ")", hash, v.bytes().hash(b));
    }

    private void checkStr() {
        long ascii = own(in.eval("'abc'"));
        expect("PyASCIIObject data (offset " + l.strAsciiData + ")", py.PyUnicode_AsUTF8AndSize(ascii, 0), v.str().data(ascii));
        expect("str kind of 'abc'", 1, v.str().kind(ascii));
        expect("str compact+ascii bits of 'abc'", true, v.str().isCompact(ascii) && v.str().isAscii(ascii));
        expect("PyASCIIObject.length", 3L, v.str().length(ascii));
        long latin = own(in.eval("'\\xe9' + 'x' * 3"));
        expect("str kind of 'éxxx'", 1, v.str().kind(latin));
        expect("PyCompactUnicodeObject data (offset " + l.strCompactData + ")", 0xe9, v.str().codePoint(latin, 0));
        long utf8 = py.PyUnicode_AsUTF8AndSize(latin, 0);
        expect("PyCompactUnicodeObject.utf8 (offset " + l.strUtf8 + ")", utf8, v.str().utf8(latin));
        expect("PyCompactUnicodeObject.utf8_length (offset " + l.strUtf8Length + ")", 5L, v.str().utf8Length(latin));
        long wide = own(in.eval("'\\u20ac\\U0001f600'"));
        expect("str kind of '€😀'", 4, v.str().kind(wide));
        expect("str code point 1 of '€😀'", 0x1f600, v.str().codePoint(wide, 1));
        long hash = py.PyObject_Hash(wide);
        expect("PyASCIIObject.hash (offset " + l.strHash + ")", hash, v.str().hash(wide));
    }

    private void checkInt() {
        long[] values = {0, 1, -1, 256, 257, -5, -6, (1L << 30) - 1, 1L << 30, -(1L << 30), 1L << 62,
                Long.MAX_VALUE, Long.MIN_VALUE};
        for (long value : values) {
            long o = own(py.PyLong_FromLongLong(value));
            Object found;
            try {
                found = v.integer().longValue(o);
            } catch (ArithmeticException e) {
                // a wrong encoding reads a wrong digit count: a mismatch of this field, not an arithmetic error
                found = "unreadable (" + e.getMessage() + ")";
            }
            expect("int " + value + " read in place (" + l.intEncoding + ")", value, found);
        }
        long big = own(in.eval("-(2 ** 64)"));
        expect("int -(2**64) sign and digits", "-18446744073709551616", v.integer().bigValue(big).toString());
    }

    private void checkContainers() {
        long f = own(py.PyFloat_FromDouble(-2.5e-300));
        expect("PyFloatObject.ob_fval (offset " + l.floatValue + ")", -2.5e-300, v.floating().value(f));
        long list = own(in.eval("[10, 'x', None]"));
        expect("PyListObject.ob_size", py.PyList_Size(list), v.list().size(list));
        expect("PyListObject.allocated (offset " + l.listAllocated + ") covers ob_size", true,
                v.list().allocated(list) >= 3 && v.list().allocated(list) < 1 << 20);
        pointer("PyListObject.ob_item (offset " + l.listItems + ")", v.list().items(list), 8);
        for (int i = 0; i < 3; i++) {
            expect("PyListObject.ob_item[" + i + "] (offset " + l.listItems + ")", py.PyList_GetItem(list, i), v.list().item(list, i));
        }
        long tuple = own(in.eval("(10, 'x', None)"));
        for (int i = 0; i < 3; i++) {
            expect("PyTupleObject.ob_item[" + i + "] (offset " + l.tupleItems + ")", py.PyTuple_GetItem(tuple, i), v.tuple().item(tuple, i));
        }
    }

    private void checkMemoryview() {
        in.exec("_serpentine_abi_mv = memoryview(b'abcdef')\n");
        long mv = own(in.eval("_serpentine_abi_mv"));
        long b = own(in.eval("_serpentine_abi_mv.obj"));
        var view = v.memoryview();
        long buffer = view.view(mv);
        expect("PyMemoryViewObject.view.buf (offset " + l.memoryviewView + ")", py.PyBytes_AsString(b), v.buffer().buf(buffer));
        expect("PyMemoryViewObject.view.obj", b, v.buffer().obj(buffer));
        expect("PyMemoryViewObject.view.shape -> ob_array (offset " + l.memoryviewArray + ")", view.array(mv),
                v.buffer().shapeArray(buffer));
        expect("PyMemoryViewObject.flags (offset " + l.memoryviewFlags + ") of a 1-D view",
                PyMemoryViewView.C | PyMemoryViewView.FORTRAN, view.flags(mv));
        long mbuf = view.mbuf(mv);
        // The managed buffer is the one object a memoryview refers to: gc names it without reading memory.
        long referent = own(in.eval("__import__('gc').get_referents(_serpentine_abi_mv)[0]"));
        expect("PyMemoryViewObject.mbuf (offset " + l.memoryviewMbuf + ")", referent, mbuf);
        expect("PyMemoryViewObject.mbuf (offset " + l.memoryviewMbuf + ") type", "managedbuffer",
                v.object().typeName(mbuf));
        expect("managedbuffer type", v.types().managedBufferType, v.object().type(mbuf));
        expect("_PyManagedBufferObject.master.buf (offset " + l.managedBufferMaster + ")", py.PyBytes_AsString(b),
                v.buffer().buf(v.managedBuffer().master(mbuf)));
    }

    /** Walks a dict from memory and compares it with PyDict_Next; {@code delete} removes a key first. */
    private void checkDict(String expression, String delete) {
        long d = own(in.eval(expression));
        if (delete != null) {
            long key = own(in.eval("'" + delete + "'"));
            if (py.PyDict_DelItem(d, key) != 0) throw in.error("deleting a key of the probe dict");
        }
        expect("PyDictObject.ma_used (offset " + l.dictUsed + ") of " + expression, py.PyDict_Size(d), v.dict().size(d));
        pointer("PyDictObject.ma_keys (offset " + l.dictKeys + ") of " + expression, mem.getLong(d + l.dictKeys), 8);
        long values = mem.getLong(d + l.dictValues);
        if (values != 0) pointer("PyDictObject.ma_values (offset " + l.dictValues + ") of " + expression, values, 8);
        List<Long> direct = new ArrayList<>();
        v.dict().forEach(d, (k, val) -> direct.add(k) && direct.add(val));
        List<Long> api = new ArrayList<>();
        long slots = py.PyMem_RawCalloc(3, 8);
        try {
            while (py.PyDict_Next(d, slots, slots + 8, slots + 16) != 0) {
                api.add(mem.getLong(slots + 8));
                api.add(mem.getLong(slots + 16));
            }
        } finally {
            py.PyMem_RawFree(slots);
        }
        expect("dict entries in insertion order (" + l.dictKeysLayout + ") of " + expression, api, direct);
    }

    /**
     * A field about to be followed with no C-API oracle for its value must at least look like a user-space address
     * with the alignment of what it points to: a wrong offset usually lands on a size, a count or a flag word, and
     * following that would end the process instead of refusing the bundle.
     */
    private void pointer(String field, long value, int alignment) {
        if (value < 0x10000 || value >= 1L << 47 || value % alignment != 0) {
            throw new AbiMismatchException(in.version().toString(), field + " [" + abi + "]", "a pointer",
                    format(value), supported);
        }
    }

    private void basicsize(String type, long typeObject, int expected) {
        expect("PyTypeObject.tp_basicsize (offset " + l.tpBasicsize + ") of " + type, (long) expected,
                v.type().basicsize(typeObject));
    }

    private long own(long reference) {
        if (reference == 0) throw in.error("creating an object for the ABI check");
        owned.add(reference);
        return reference;
    }

    private void expect(String field, Object expected, Object found) {
        if (!Objects.equals(expected, found)) {
            throw new AbiMismatchException(in.version().toString(), field + " [" + abi + "]",
                    format(expected), format(found), supported);
        }
    }

    private static String format(Object o) {
        return o instanceof Long n && Math.abs(n) > 4096 ? "0x" + Long.toHexString(n) : String.valueOf(o);
    }
}
