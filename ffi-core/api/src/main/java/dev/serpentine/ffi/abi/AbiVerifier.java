package dev.serpentine.ffi.abi;

import dev.serpentine.ffi.AbiMismatchException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.binding.RunningInterpreter;
import dev.serpentine.ffi.binding.StackReserve;
import dev.serpentine.ffi.view.CPythonViews;
import dev.serpentine.ffi.view.PyBufferView;
import dev.serpentine.ffi.view.PyManagedBufferView;
import dev.serpentine.ffi.view.PyMemoryViewView;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Checks an ABI bundle against the live interpreter before anything reads memory through it: every layout fact
 * ({@link AbiLayout#facts()}) is compared with what CPython's own C-API or Python code reports for objects made
 * here, and a refusal names the layout keys of the fact that failed ({@code "dictKeys = 32"}).
 *
 * <p>The order is what keeps a wrong layout from ending the process: facts of the type objects (exported addresses)
 * first, then scalars read inside objects the C-API handed over, and a pointer read through the layout is followed
 * only once it equals what an oracle returned (the C-API, or {@code gc.get_referents} for the managed buffer) or,
 * where no oracle can name it (dict keys and split values), once it has passed every check that can be made
 * without following it. Every read that follows is bounded by counts already proven.
 */
public final class AbiVerifier {

    private static final String[] INT_KEYS = {"intEncoding", "intSizeOrTag", "intTagSignMask", "intTagCountShift",
            "intDigits", "intDigitBits", "intDigitSize"};
    private static final String[] DICT_WALK_KEYS = {"dictValues", "dictKeysLayout", "dictKeysIndices", "dictEntrySize",
            "dictEntryKey", "dictEntryValue", "dictUnicodeEntrySize", "dictUnicodeEntryKey", "dictUnicodeEntryValue",
            "dictValuesItems", "dictValuesSize", "dictValuesOrder", "dictValuesCapacity", "dictKindGeneral",
            "dictKindUnicode", "dictKindSplit", "dictValuesEmbedded", "dictValuesValid"};

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
     * @throws AbiMismatchException naming the version, the layout keys of the fact, expected and found values, and
     *                              the supported range
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
                verifier.cleanUp();
                verifier.owned.forEach(verifier.py::Py_DecRef);
            } finally {
                interpreter.binding().PyGILState_Release(gil);
            }
        }
    }

    /** Drops the names the checks made in {@code __main__}. */
    private void cleanUp() {
        try {
            in.exec("for _serpentine_abi_n in [n for n in globals()\n"
                    + "                          if n.startswith(('_serpentine_abi', '_SerpentineAbi'))]:\n"
                    + "    del globals()[_serpentine_abi_n]\n");
        } catch (RuntimeException e) {
            py.PyErr_Clear(); // a failed clean-up must not hide the verdict
        }
    }

    private CPythonViews run() {
        expect("ABI tag (abi.tag)", in.version().abiTag(), abi.tag());
        expect("build flavour (abi.flavour)", in.flavour().layoutName(), abi.flavour());
        v = new CPythonViews(py, abi);
        in.exec("import sys as _serpentine_abi_sys, gc as _serpentine_abi_gc\n");
        long one = own(py.PyLong_FromLongLong(1000));
        expect("PyObject.ob_type of int 1000", v.types().longType, mem.getLong(one + l.obType), "obType");
        checkTypes();
        checkBytes();
        checkByteArray();
        checkStr();
        checkInt();
        checkContainers();
        checkMemoryview();
        checkDicts();
        checkStackGuard();
        return v;
    }

    /**
     * {@code Py_EnterRecursiveCall} moves exactly the declared counter of the thread state by one, and Leave moves it
     * back; on 3.14, which compares the stack pointer instead, it moves no field at all.
     */
    private void checkStackGuard() {
        long tstate = py.PyGILState_GetThisThreadState();
        int[] before = ints(tstate);
        long where = py.PyMem_RawCalloc(1, 1); // "": the message suffix, never used unless the limit is reached
        if (where == 0) throw new OutOfMemoryError("PyMem_RawCalloc");
        int[] inside;
        try {
            if (py.Py_EnterRecursiveCall(where) != 0) {
                py.PyErr_Clear();
                throw mismatch("Py_EnterRecursiveCall at the verifier's depth", new String[]{"stackGuard"}, "0", "-1");
            }
            inside = ints(tstate);
            py.Py_LeaveRecursiveCall();
        } finally {
            py.PyMem_RawFree(where);
        }
        int counted = l.stackGuard == AbiLayout.StackGuard.STACK_PROTECTION ? -1
                : (l.stackGuardCounter - GUARD_FROM) / 4;
        int step = switch (l.stackGuard) {
            case DEPTH -> 1;
            case REMAINING -> -1;
            case STACK_PROTECTION -> 0;
        };
        for (int i = 0; i < before.length; i++) {
            int expected = before[i] + (i == counted ? step : 0);
            expect("PyThreadState int at " + (GUARD_FROM + i * 4) + " inside Py_EnterRecursiveCall", expected,
                    inside[i], "stackGuard", "stackGuardCounter");
        }
        expect("PyThreadState after Py_LeaveRecursiveCall", java.util.Arrays.toString(before),
                java.util.Arrays.toString(ints(tstate)), "stackGuard", "stackGuardCounter");
    }

    /** The first thread-state byte compared: past 3.13/3.14's {@code eval_breaker}, which other threads set. */
    private static final int GUARD_FROM = 32;

    /**
     * The thread state's bytes 32–95 as ints: every version's recursion counter lies within, and nothing else there
     * changes while this thread holds the GIL and runs no Python code.
     */
    private int[] ints(long tstate) {
        int[] out = new int[16];
        for (int i = 0; i < out.length; i++) out[i] = mem.getInt(tstate + GUARD_FROM + i * 4L);
        return out;
    }

    /** The type objects are exported data: their fields are read before any object but one int. */
    private void checkTypes() {
        var t = v.types();
        expect("PyTypeObject.tp_flags of int", py.PyType_GetFlags(t.longType), mem.getLong(t.longType + l.tpFlags),
                "tpFlags");
        String[] names = {"bytes", "str", "int", "tuple", "list", "dict", "float", "bytearray", "memoryview"};
        long[] types = {t.bytesType, t.strType, t.longType, t.tupleType, t.listType, t.dictType, t.floatType,
                t.bytearrayType, t.memoryviewType};
        for (int i = 0; i < names.length; i++) {
            expect("PyTypeObject.tp_basicsize of " + names[i], pyLong(names[i] + ".__basicsize__"),
                    v.type().basicsize(types[i]), "tpBasicsize");
            expect("PyTypeObject.tp_itemsize of " + names[i], pyLong(names[i] + ".__itemsize__"),
                    v.type().itemsize(types[i]), "tpItemsize");
        }
        pointer("PyTypeObject.tp_name of int", mem.getLong(t.longType + l.tpName), 1, "tpName");
        expect("PyTypeObject.tp_name of int", "int", v.type().name(t.longType), "tpName");
        // tp_as_buffer is set exactly on the types whose instances memoryview() accepts
        in.exec("def _serpentine_abi_buffers(x):\n"
                + "    try:\n        memoryview(x).release()\n        return True\n"
                + "    except TypeError:\n        return False\n");
        String[] samples = {"b''", "bytearray()", "memoryview(b'')", "0", "0.0", "''", "[]", "()", "{}"};
        for (String sample : samples) {
            long type = own(in.eval("type(" + sample + ")"));
            long buffers = pyLong("int(_serpentine_abi_buffers(" + sample + "))");
            expect("PyTypeObject.tp_as_buffer of " + sample + "'s type is set", buffers == 1,
                    v.type().asBuffer(type) != 0, "tpAsBuffer");
        }
        expect("None", t.none, own(in.eval("None")));
        expect("True", t.trueObject, own(in.eval("True")));
        expect("False", t.falseObject, own(in.eval("False")));
    }

    private void checkBytes() {
        long b = own(in.eval("b''.join([b'serpentine', b'!!!'])")); // made at run time: constants are hashed
        expect("PyBytesObject.ob_size", py.PyBytes_Size(b), v.bytes().size(b), "obSize");
        expect("PyBytesObject.ob_sval", py.PyBytes_AsString(b), v.bytes().data(b), "bytesData");
        expect("PyBytesObject.ob_shash before hashing", -1L, v.bytes().hash(b), "bytesHash");
        long hash = py.PyObject_Hash(b);
        expect("PyBytesObject.ob_shash", hash, v.bytes().hash(b), "bytesHash");
    }

    private void checkByteArray() {
        // del ba[:3] moves ob_start 3 bytes past ob_bytes instead of moving the data
        in.exec("_serpentine_abi_ba = bytearray(b'0123456789abcdef')\ndel _serpentine_abi_ba[:3]\n");
        long ba = own(in.eval("_serpentine_abi_ba"));
        var view = v.bytearray();
        expect("PyByteArrayObject.ob_size", py.PyByteArray_Size(ba), view.size(ba), "obSize");
        long start = py.PyByteArray_AsString(ba);
        expect("PyByteArrayObject.ob_start", start, view.data(ba), "bytearrayStart");
        expect("PyByteArrayObject.ob_bytes after del ba[:3]", start - 3, view.allocation(ba), "bytearrayBytes");
        expect("PyByteArrayObject.ob_alloc (ba.__sizeof__() - bytearray.__basicsize__)",
                pyLong("_serpentine_abi_ba.__sizeof__() - bytearray.__basicsize__"), view.allocated(ba),
                "bytearrayAlloc");
        expect("PyByteArrayObject.ob_exports", 0L, view.exports(ba), "bytearrayExports");
        withBuffer(ba, () -> expect("PyByteArrayObject.ob_exports while a buffer is held", 1L, view.exports(ba),
                "bytearrayExports"));
        expect("PyByteArrayObject.ob_exports after PyBuffer_Release", 0L, view.exports(ba), "bytearrayExports");
    }

    private void checkStr() {
        var s = v.str();
        in.exec("class _SerpentineAbiStr(str):\n    pass\n");
        long ascii = own(in.eval("'abc' + str(12345)"));
        // joined at run time: constants of the compiled expression could be interned or have a cached UTF-8 form
        long latin = own(in.eval("''.join(['\\xe9', 'x' * 3])"));
        long wide = own(in.eval("''.join(['\\u20ac', '\\U0001f600'])"));
        long legacyAscii = own(in.eval("_SerpentineAbiStr('legacy ascii')"));
        long legacyLatin = own(in.eval("_SerpentineAbiStr('l\\xe9gacy')"));
        long interned = own(in.eval("_serpentine_abi_sys.intern('serpentine_' + str(12345))"));
        long[] probes = {ascii, latin, wide, legacyAscii, legacyLatin};
        String[] names = {"'abc12345'", "'éxxx'", "'€😀'", "str subclass 'legacy ascii'", "str subclass 'légacy'"};
        int[] kinds = {1, 1, 4, 1, 1};
        boolean[] compact = {true, true, true, false, false};
        boolean[] isAscii = {true, false, false, true, false};
        // the state word first: every other str fact is read through its bits
        for (int i = 0; i < probes.length; i++) {
            int state = s.state(probes[i]);
            expect("str kind of " + names[i], kinds[i], s.kindOf(state), "strState", "strKindMask", "strKindShift");
            expect("str compact bit of " + names[i], compact[i], s.isCompactState(state), "strState", "strCompactBit");
            expect("str ascii bit of " + names[i], isAscii[i], s.isAsciiState(state), "strState", "strAsciiBit");
            expect("str ready bit of " + names[i], true, s.isReadyState(state), "strState", "strReadyBit");
            expect("str interned state of " + names[i], 0, s.interned(probes[i]), "strState", "strInternedMask");
        }
        expect("str interned state of a sys.intern() result", true, s.interned(interned) != 0,
                "strState", "strInternedMask");
        expect("PyASCIIObject.length", 8L, s.length(ascii), "strLength");
        expect("PyASCIIObject.hash before hashing", -1L, s.hash(wide), "strHash");
        long hash = py.PyObject_Hash(wide);
        expect("PyASCIIObject.hash", hash, s.hash(wide), "strHash");
        expect("PyASCIIObject data", py.PyUnicode_AsUTF8AndSize(ascii, 0), s.data(ascii), "strAsciiData");
        expect("PyCompactUnicodeObject.utf8 before PyUnicode_AsUTF8", 0L, s.utf8(latin), "strUtf8");
        long utf8 = py.PyUnicode_AsUTF8AndSize(latin, 0);
        expect("PyCompactUnicodeObject.utf8", utf8, s.utf8(latin), "strUtf8");
        expect("PyCompactUnicodeObject.utf8_length", 5L, s.utf8Length(latin), "strUtf8Length");
        expect("PyCompactUnicodeObject data: code point 0 of 'éxxx'", 0xe9, s.codePoint(latin, 0), "strCompactData");
        expect("PyCompactUnicodeObject data: code point 1 of '€😀'", 0x1f600, s.codePoint(wide, 1), "strCompactData");
        // An ASCII subclass instance shares its characters with its UTF-8 form: the C-API names the data pointer.
        expect("PyUnicodeObject.data of a str subclass instance", py.PyUnicode_AsUTF8AndSize(legacyAscii, 0),
                s.data(legacyAscii), "strLegacyData");
        // A non-ASCII one keeps them apart: a wrong offset landing on the utf8 pointer is told apart here.
        long legacyUtf8 = py.PyUnicode_AsUTF8AndSize(legacyLatin, 0);
        long legacyData = mem.getLong(legacyLatin + l.strLegacyData);
        expect("PyUnicodeObject.data of 'légacy' is not its UTF-8 form", true, legacyData != legacyUtf8,
                "strLegacyData");
        pointer("PyUnicodeObject.data of 'légacy'", legacyData, 1, "strLegacyData");
        expect("PyUnicodeObject.data of 'légacy'", "l\u00e9gacy", s.toJavaString(legacyLatin), "strLegacyData");
    }

    private void checkInt() {
        var iv = v.integer();
        expect("PyLong_SHIFT (sys.int_info.bits_per_digit)", pyLong("_serpentine_abi_sys.int_info.bits_per_digit"),
                (long) l.intDigitBits, "intDigitBits");
        expect("sizeof(digit) (sys.int_info.sizeof_digit)", pyLong("_serpentine_abi_sys.int_info.sizeof_digit"),
                (long) l.intDigitSize, "intDigitSize");
        long[] values = {0, 1, -1, 256, 257, -5, -6, (1L << 30) - 1, 1L << 30, -(1L << 30), 1L << 62,
                Long.MAX_VALUE, Long.MIN_VALUE};
        for (long value : values) {
            long o = own(py.PyLong_FromLongLong(value));
            Object found;
            try {
                found = iv.longValue(o);
            } catch (ArithmeticException e) {
                // a wrong encoding reads a wrong digit count: a mismatch of this field, not an arithmetic error
                found = "unreadable (" + e.getMessage() + ")";
            }
            expect("int " + value + " read in place (" + l.intEncoding + ")", value, found, INT_KEYS);
        }
        for (long value : new long[]{0, 5, -5}) {
            long o = own(py.PyLong_FromLongLong(value));
            expect("sign of int " + value, Long.signum(value), iv.signum(o), INT_KEYS);
        }
        long big = own(in.eval("-(2 ** 64)"));
        expect("int -(2**64) sign and digit count", "-1, 3", iv.signum(big) + ", " + iv.digitCount(big), INT_KEYS);
        expect("int -(2**64) read in place", "-18446744073709551616", iv.bigValue(big).toString(), INT_KEYS);
    }

    private void checkContainers() {
        long f = own(py.PyFloat_FromDouble(-2.5e-300));
        expect("PyFloatObject.ob_fval", -2.5e-300, v.floating().value(f), "floatValue");
        in.exec("_serpentine_abi_list = [10, 'x', None]\n_serpentine_abi_list.append(1.5)\n");
        long list = own(in.eval("_serpentine_abi_list"));
        expect("PyListObject.ob_size", py.PyList_Size(list), v.list().size(list), "obSize");
        expect("PyListObject.allocated ((l.__sizeof__() - list.__basicsize__) / 8)",
                pyLong("(_serpentine_abi_list.__sizeof__() - list.__basicsize__) // 8"), v.list().allocated(list),
                "listAllocated");
        pointer("PyListObject.ob_item", v.list().items(list), 8, "listItems");
        for (int i = 0; i < 4; i++) {
            expect("PyListObject.ob_item[" + i + "]", py.PyList_GetItem(list, i), v.list().item(list, i), "listItems");
        }
        long tuple = own(in.eval("(10, 'x', None)"));
        expect("PyTupleObject.ob_size", py.PyTuple_Size(tuple), v.tuple().size(tuple), "obSize");
        for (int i = 0; i < 3; i++) {
            expect("PyTupleObject.ob_item[" + i + "]", py.PyTuple_GetItem(tuple, i), v.tuple().item(tuple, i),
                    "tupleItems");
        }
    }

    private void checkMemoryview() {
        in.exec("_serpentine_abi_mv = memoryview(b'abcdef')\n");
        long mv = own(in.eval("_serpentine_abi_mv"));
        long b = own(in.eval("_serpentine_abi_mv.obj"));
        var view = v.memoryview();
        long buffer = view.view(mv);
        expect("PyMemoryViewObject.view.buf", py.PyBytes_AsString(b), v.buffer().buf(buffer), "memoryviewView");
        expect("PyMemoryViewObject.view.obj", b, v.buffer().obj(buffer), "memoryviewView");
        expect("PyMemoryViewObject.view.shape -> ob_array", view.array(mv), v.buffer().shapeArray(buffer),
                "memoryviewView", "memoryviewArray");
        expect("PyMemoryViewObject.flags of a 1-D view", PyMemoryViewView.C | PyMemoryViewView.FORTRAN,
                view.flags(mv), "memoryviewFlags");
        expect("PyMemoryViewObject.hash before hashing", -1L, view.hash(mv), "memoryviewHash");
        long hash = pyLong("hash(_serpentine_abi_mv)");
        expect("PyMemoryViewObject.hash", hash, view.hash(mv), "memoryviewHash");
        expect("PyMemoryViewObject.exports", 0L, view.exports(mv), "memoryviewExports");
        withBuffer(mv, () -> expect("PyMemoryViewObject.exports while a buffer is held", 1L, view.exports(mv),
                "memoryviewExports"));
        expect("PyMemoryViewObject.exports after PyBuffer_Release", 0L, view.exports(mv), "memoryviewExports");

        // The managed buffer is the one object a memoryview refers to: gc names it without reading memory.
        long mbuf = view.mbuf(mv);
        long referent = own(in.eval("_serpentine_abi_gc.get_referents(_serpentine_abi_mv)[0]"));
        expect("PyMemoryViewObject.mbuf", referent, mbuf, "memoryviewMbuf");
        expect("managedbuffer type", v.types().managedBufferType, v.object().type(mbuf), "memoryviewMbuf");
        var managed = v.managedBuffer();
        expect("_PyManagedBufferObject.master.buf", py.PyBytes_AsString(b), v.buffer().buf(managed.master(mbuf)),
                "managedBufferMaster");
        expect("_PyManagedBufferObject.master.len", 6L, v.buffer().len(managed.master(mbuf)), "managedBufferMaster");
        expect("_PyManagedBufferObject.flags of a live buffer", 0, managed.flags(mbuf), "managedBufferFlags");
        expect("_PyManagedBufferObject.exports: one memoryview", 1L, managed.exports(mbuf), "managedBufferExports");
        in.exec("_serpentine_abi_mv2 = _serpentine_abi_mv[1:]\n");
        expect("_PyManagedBufferObject.exports: two memoryviews", 2L, managed.exports(mbuf), "managedBufferExports");
        // releasing every view releases the managed buffer, which stays alive through the gc referent held here
        in.exec("_serpentine_abi_mv2.release()\n_serpentine_abi_mv.release()\ndel _serpentine_abi_mv2\n");
        expect("_PyManagedBufferObject.exports once the views are released", 0L, managed.exports(mbuf),
                "managedBufferExports");
        expect("_PyManagedBufferObject.flags once the views are released", PyManagedBufferView.RELEASED,
                managed.flags(mbuf), "managedBufferFlags");
        expect("PyMemoryViewObject.flags of a released view", true, view.isReleased(mv), "memoryviewFlags");
    }

    /** Holds a {@code PyObject_GetBuffer} of {@code o} while {@code check} runs. */
    private void withBuffer(long o, Runnable check) {
        long buffer = py.PyMem_RawCalloc(1, PyBufferView.SIZE);
        if (buffer == 0) throw new OutOfMemoryError("PyMem_RawCalloc failed");
        try {
            if (py.PyObject_GetBuffer(o, buffer, 0) != 0) throw in.error("PyObject_GetBuffer for the ABI check");
            try {
                check.run();
            } finally {
                py.PyBuffer_Release(buffer);
            }
        } finally {
            py.PyMem_RawFree(buffer);
        }
    }

    private void checkDicts() {
        boolean sized = l.dictKeysLayout == AbiLayout.DictKeys.SIZED;
        // Combined tables first: their entry counts are known, which bounds every read of the split tables after.
        checkDict("{'a': 1, 'b': 2, 'c': 3, 4: 'd'}", "b", 4, l.dictKindGeneral, false, false);
        checkDict("{'x%d' % i: i for i in range(300)}", "x7", 300, l.dictKindUnicode, false, false);
        in.exec("class _SerpentineAbiProbe:\n"
                + "    def __init__(self):\n"
                + "        self.p = 1\n"
                + "        self.q = 2\n"
                + "_serpentine_abi_probe = _SerpentineAbiProbe.__new__(_SerpentineAbiProbe)\n"
                + "_serpentine_abi_probe.q = 1\n"
                + "_serpentine_abi_probe.p = 2\n"
                + "_serpentine_abi_probe2 = _SerpentineAbiProbe()\n");
        // 3.9/3.10 keep an instance dict split only while its order is the shared keys' order; 3.11+ always do
        checkDict("_serpentine_abi_probe.__dict__", null, -1, l.dictKindSplit, !sized, true);
        checkDict("_serpentine_abi_probe2.__dict__", null, -1, l.dictKindSplit, !sized, true);
        checkDict("_SerpentineAbiProbe().__dict__", null, -1, l.dictKindSplit, !sized, false);
    }

    /**
     * Proves the dict fields on one probe, then walks it from memory and compares with {@code PyDict_Next}.
     * {@code nentries} is the expected {@code dk_nentries} of a combined table (-1 for an instance dict),
     * {@code kind} its {@code dk_kind} (3.11+), {@code split} whether it must be a split table and
     * {@code ownerAlive} whether the object whose dict it is still lives.
     */
    private void checkDict(String expression, String delete, long nentries, int kind, boolean split,
                           boolean ownerAlive) {
        in.exec("_serpentine_abi_d = " + expression + "\n"
                + (delete == null ? "" : "del _serpentine_abi_d['" + delete + "']\n"));
        long d = own(in.eval("_serpentine_abi_d"));
        String of = " of " + expression;
        expect("PyDictObject.ma_used" + of, py.PyDict_Size(d), v.dict().size(d), "dictUsed");
        long keys = mem.getLong(d + l.dictKeys);
        pointer("PyDictObject.ma_keys" + of, keys, 8, "dictKeys");
        // A pointer stays put when a value is replaced; a version tag (the field next to it) moves on.
        in.exec("_serpentine_abi_k = next(iter(_serpentine_abi_d))\n"
                + "_serpentine_abi_v = _serpentine_abi_d[_serpentine_abi_k]\n"
                + "_serpentine_abi_d[_serpentine_abi_k] = -123456789\n"
                + "_serpentine_abi_d[_serpentine_abi_k] = _serpentine_abi_v\n"
                + "del _serpentine_abi_k, _serpentine_abi_v\n");
        expect("PyDictObject.ma_keys after replacing a value" + of, keys, mem.getLong(d + l.dictKeys), "dictKeys");
        long values = mem.getLong(d + l.dictValues);
        if (split) {
            pointer("PyDictObject.ma_values of a split table" + of, values, 8, "dictValues");
        } else if (nentries >= 0) {
            expect("PyDictObject.ma_values of a combined table" + of, 0L, values, "dictValues");
        } else if (values != 0) {
            // an instance dict may be split or not: whatever is there is followed below, so it must be a pointer
            pointer("PyDictObject.ma_values" + of, values, 8, "dictValues");
        }
        boolean isSplit = values != 0;
        String layoutKey = "dictKeysLayout";
        if (!isSplit || l.dictKeysLayout == AbiLayout.DictKeys.SIZED) {
            long n = mem.getLong(keys + l.dictKeysNentries);
            if (nentries >= 0) {
                expect("PyDictKeysObject.dk_nentries" + of, nentries, n, "dictKeysNentries", layoutKey);
            } else {
                bounded("PyDictKeysObject.dk_nentries" + of, n, 1, 255, "dictKeysNentries", layoutKey);
            }
        }
        if (l.dictKeysLayout == AbiLayout.DictKeys.SIZED) {
            long size = mem.getLong(keys + l.dictKeysSize);
            boolean powerOfTwo = size >= 8 && size <= 1 << 20 && Long.bitCount(size) == 1;
            expect("PyDictKeysObject.dk_size is a table size" + of, true, powerOfTwo, "dictKeysSize", layoutKey);
        } else {
            expect("PyDictKeysObject.dk_kind" + of, isSplit ? l.dictKindSplit : kind,
                    (int) mem.getByte(keys + l.dictKeysKind), "dictKeysKind", layoutKey,
                    isSplit ? "dictKindSplit" : kind == l.dictKindGeneral ? "dictKindGeneral" : "dictKindUnicode");
            int log2 = mem.getByte(keys + l.dictKeysLog2IndexBytes) & 0xff;
            bounded("PyDictKeysObject.dk_log2_index_bytes" + of, log2, 3, 22, "dictKeysLog2IndexBytes", layoutKey);
            if (isSplit) checkSplitValues(values, of, ownerAlive);
        }
        expect("dict walked in place" + of, true, v.dict().walksDirectly(d), DICT_WALK_KEYS);
        List<Long> direct = new ArrayList<>();
        v.dict().forEach(d, (k, val) -> direct.add(k) && direct.add(val));
        List<Long> api = new ArrayList<>();
        long slots = py.PyMem_RawCalloc(3, 8);
        if (slots == 0) throw new OutOfMemoryError("PyMem_RawCalloc failed");
        try {
            while (py.PyDict_Next(d, slots, slots + 8, slots + 16) != 0) {
                api.add(mem.getLong(slots + 8));
                api.add(mem.getLong(slots + 16));
            }
        } finally {
            py.PyMem_RawFree(slots);
        }
        expect("dict entries in insertion order" + of, api, direct, DICT_WALK_KEYS);
    }

    /** 3.11+ split values: this dict's entry count, and (3.13+) where they live. */
    private void checkSplitValues(long values, String of, boolean ownerAlive) {
        int size = mem.getByte(values + l.dictValuesSize) & 0xff;
        expect("split values: entry count" + of, 2, size, "dictValuesSize", "dictKeysLayout");
        if (l.dictKeysLayout != AbiLayout.DictKeys.LOG2_ORDER_AFTER_VALUES) return;
        bounded("PyDictValues.capacity" + of, mem.getByte(values + l.dictValuesCapacity) & 0xff, 2, 255,
                "dictValuesCapacity", "dictKeysLayout");
        // values embedded in a live object are valid; a dict whose object died owns a copy
        expect("PyDictValues.embedded" + of, ownerAlive ? 1 : 0, (int) mem.getByte(values + l.dictValuesEmbedded),
                "dictValuesEmbedded", "dictKeysLayout");
        if (ownerAlive) {
            expect("PyDictValues.valid" + of, 1, (int) mem.getByte(values + l.dictValuesValid), "dictValuesValid",
                    "dictKeysLayout");
        }
    }

    private long pyLong(String expression) {
        long o = own(in.eval(expression));
        long value = py.PyLong_AsLongLong(o);
        if (value == -1 && py.PyErr_Occurred() != 0) throw in.error("evaluating " + expression);
        return value;
    }

    /**
     * A field about to be followed with no C-API oracle for its value must at least look like a user-space address
     * with the alignment of what it points to: a wrong offset usually lands on a size, a count or a flag word, and
     * following that would end the process instead of refusing the bundle.
     */
    private void pointer(String field, long value, int alignment, String... keys) {
        if (value < 0x10000 || value >= 1L << 47 || value % alignment != 0) {
            throw mismatch(field, keys, "a pointer", format(value));
        }
    }

    /** A count or size about to bound reads must be in {@code min … max}. */
    private void bounded(String field, long value, long min, long max, String... keys) {
        if (value < min || value > max) throw mismatch(field, keys, min + "…" + max, format(value));
    }

    private long own(long reference) {
        if (reference == 0) throw in.error("creating an object for the ABI check");
        owned.add(reference);
        return reference;
    }

    private void expect(String field, Object expected, Object found, String... keys) {
        if (!Objects.equals(expected, found)) throw mismatch(field, keys, format(expected), format(found));
    }

    private AbiMismatchException mismatch(String field, String[] keys, String expected, String found) {
        String named = keys.length == 0 ? field : field + " (" + l.describe(keys) + ")";
        return new AbiMismatchException(in.version().toString(), named + " [" + abi + "]", expected, found, supported);
    }

    private static String format(Object o) {
        return o instanceof Long n && Math.abs(n) > 4096 ? "0x" + Long.toHexString(n) : String.valueOf(o);
    }
}
