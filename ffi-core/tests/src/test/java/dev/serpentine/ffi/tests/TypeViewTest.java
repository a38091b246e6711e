package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.PyObjectView;
import dev.serpentine.ffi.view.PyTypeView;
import dev.serpentine.ffi.view.PyTypes;
import org.junit.jupiter.api.Test;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PyTypeView} against {@code PyType_GetFlags}, {@code __flags__}, {@code __basicsize__},
 * {@code __itemsize__}, {@code __name__}/{@code __module__}, over every builtin type, stdlib types and classes made in
 * Python; {@link PyObjectView} against {@code type(o)}, {@code len} and {@code None}; {@link PyTypes} against the
 * objects Python names.
 */
class TypeViewTest {

    private static final PyTypeView T = Live.VIEWS.type();
    private static final PyObjectView O = Live.VIEWS.object();
    /** {@code Py_TPFLAGS_VALID_VERSION_TAG}: set by CPython's attribute cache whenever it looks a type up. */
    private static final long VALID_VERSION_TAG = 1L << 19;

    private static final String SETUP = "import builtins as _tv_builtins, array as _tv_array, collections as _tv_collections\n"
            + "import types as _tv_types, io as _tv_io, decimal as _tv_decimal, fractions as _tv_fractions, enum as _tv_enum\n"
            + "import datetime as _tv_datetime, json as _tv_json\n"
            + "class _TvPlain:\n"
            + "    pass\n"
            + "class _TvSlots:\n"
            + "    __slots__ = ('a', 'b', 'c')\n"
            + "class _TvInt(int):\n"
            + "    pass\n"
            + "class _TvStr(str):\n"
            + "    pass\n"
            + "class _TvBytes(bytes):\n"
            + "    pass\n"
            + "class _TvList(list):\n"
            + "    __slots__ = ()\n"
            + "class _TvDict(dict):\n"
            + "    pass\n"
            + "class _TvTuple(tuple):\n"
            + "    pass\n"
            + "class _TvMeta(type):\n"
            + "    pass\n"
            + "class _TvWithMeta(metaclass=_TvMeta):\n"
            + "    pass\n"
            + "class _TvError(ValueError):\n"
            + "    pass\n"
            + "_tv_user = [_TvPlain, _TvSlots, _TvInt, _TvStr, _TvBytes, _TvList, _TvDict, _TvTuple, _TvMeta, _TvWithMeta,\n"
            + "            _TvError, type('_TvDynamic', (object,), {}), _tv_collections.namedtuple('_TvPoint', 'x y'),\n"
            + "            _tv_enum.Enum('_TvColor', 'RED GREEN')]\n"
            + "_tv_types_list = sorted({t for t in vars(_tv_builtins).values() if isinstance(t, type)}, key=repr)\n"
            + "_tv_types_list += [type(None), type(NotImplemented), type(...), _tv_types.FunctionType, _tv_types.ModuleType,\n"
            + "                   _tv_types.SimpleNamespace, _tv_types.MethodType, _tv_types.CodeType, _tv_types.FrameType,\n"
            + "                   _tv_collections.OrderedDict, _tv_collections.deque, _tv_collections.defaultdict,\n"
            + "                   _tv_collections.Counter, _tv_array.array, _tv_io.BytesIO, _tv_io.StringIO,\n"
            + "                   _tv_decimal.Decimal, _tv_fractions.Fraction, _tv_enum.Enum, _tv_datetime.datetime,\n"
            + "                   _tv_datetime.timedelta, _tv_json.JSONDecoder, type(iter([])), type({}.keys())]\n"
            + "_tv_types_list += _tv_user\n";

    @Test
    void everyTypeMatchesItsPythonDescription() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            long[] types = Oracle.items(owned.eval("_tv_types_list"));
            long flags = owned.add(Oracle.function("lambda t: t.__flags__"));
            long basicsize = owned.add(Oracle.function("lambda t: t.__basicsize__"));
            long itemsize = owned.add(Oracle.function("lambda t: t.__itemsize__"));
            long name = owned.add(Oracle.function("lambda t: t.__name__"));
            long module = owned.add(Oracle.function("lambda t: t.__module__"));
            long isUser = owned.add(Oracle.function("lambda t: int(t in _tv_user)"));
            int user = 0;
            int dotted = 0;
            for (long t : types) {
                long pyBasicsize = Oracle.callLong(basicsize, t);
                long pyItemsize = Oracle.callLong(itemsize, t);
                String pyName = Oracle.callText(name, t);
                String pyModule = Oracle.callText(module, t);
                boolean madeInPython = Oracle.callLong(isUser, t) == 1;
                long pyFlags = Oracle.callLong(flags, t); // last: attribute lookups set VALID_VERSION_TAG lazily

                var refs = Oracle.RefCounts.of(t);
                assertEquals(t, T.checked(t));
                long f = T.flags(t);
                assertEquals(PY.PyType_GetFlags(t), f, "tp_flags vs PyType_GetFlags");
                assertEquals(pyFlags & ~VALID_VERSION_TAG, f & ~VALID_VERSION_TAG, "tp_flags vs __flags__");
                assertTrue((f & PyTypeView.Py_TPFLAGS_READY) != 0);
                assertEquals(pyBasicsize, T.basicsize(t), "tp_basicsize");
                assertEquals(pyItemsize, T.itemsize(t), "tp_itemsize");
                String tpName = T.name(t);
                refs.assertUnchanged();

                boolean heap = (f & PyTypeView.Py_TPFLAGS_HEAPTYPE) != 0;
                if (madeInPython) {
                    user++;
                    assertTrue(heap);
                    assertEquals(pyName, tpName, "a class made in Python is named by __name__");
                } else if (!heap) {
                    // CPython derives a static type's __name__ and __module__ from tp_name
                    String expected = pyModule.equals("builtins") ? pyName : pyModule + "." + pyName;
                    assertEquals(expected, tpName, "tp_name of a static type");
                    if (tpName.contains(".")) dotted++;
                } else {
                    // a heap type from PyType_FromSpec keeps the spec's dotted name
                    assertTrue(tpName.equals(pyName) || tpName.endsWith("." + pyName), tpName + " vs " + pyName);
                }
            }
            assertEquals(14, user);
            assertTrue(dotted > 0, "static types with a module in tp_name");
        }
    }

    @Test
    void builtinTypesMatchTheirExportedObjects() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            PyTypes types = Live.VIEWS.types();
            String[] names = {"int", "bool", "float", "str", "bytes", "bytearray", "memoryview", "list", "tuple", "dict",
                    "type", "object"};
            long[] addresses = {types.longType, types.boolType, types.floatType, types.strType, types.bytesType,
                    types.bytearrayType, types.memoryviewType, types.listType, types.tupleType, types.dictType,
                    types.type, types.object};
            for (int i = 0; i < names.length; i++) {
                long t = owned.eval(names[i]);
                assertEquals(t, addresses[i], names[i]);
                assertEquals(names[i], T.name(t));
            }
            assertEquals(owned.eval("None"), types.none);
            assertEquals(owned.eval("True"), types.trueObject);
            assertEquals(owned.eval("False"), types.falseObject);
            long mbufType = owned.eval("type([r for r in __import__('gc').get_referents(memoryview(b'x'))"
                    + " if type(r).__name__ == 'managedbuffer'][0])");
            assertEquals(mbufType, types.managedBufferType);
            assertEquals("managedbuffer", T.name(mbufType));

            // buffer exporters have tp_as_buffer, other static types have none
            for (String exporter : new String[] {"bytes", "bytearray", "memoryview", "__import__('array').array"}) {
                assertNotEquals(0L, T.asBuffer(owned.eval(exporter)), exporter);
            }
            for (String plain : new String[] {"int", "bool", "float", "str", "list", "tuple", "dict", "object", "type",
                    "set", "frozenset", "complex", "range", "type(None)"}) {
                assertEquals(0L, T.asBuffer(owned.eval(plain)), plain);
            }
            long[] subclasses = {owned.eval("_TvBytes"), owned.eval("_TvInt")};
            assertNotEquals(0L, T.asBuffer(subclasses[0]), "inherited by a bytes subclass");
            // the bytes subclass really exports: its slot table is bytes'
            assertEquals(Live.MEM.getLong(T.asBuffer(types.bytesType)), Live.MEM.getLong(T.asBuffer(subclasses[0])),
                    "bf_getbuffer of a bytes subclass");
            assertEquals(0L, Live.MEM.getLong(T.asBuffer(subclasses[1])), "no bf_getbuffer for an int subclass");
        }
    }

    @Test
    void objectHeadersNameTheirTypes() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            long[] objects = Oracle.items(owned.eval("[None, True, False, 0, -1, 2 ** 100, 1.5, 'text', '\\u20ac', b'raw',"
                    + " bytearray(b'xy'), memoryview(b'abc'), [], [1, 2, 3], (), (1,), {}, {'a': 1}, set(), frozenset([1]),"
                    + " object(), int, type, _TvPlain(), _TvSlots(), _TvInt(5), _TvStr('s'), _TvBytes(b'bb'),"
                    + " _TvList([1]), _TvDict(a=1), _TvTuple((1, 2, 3, 4)), _TvWithMeta, _TvWithMeta(), _TvError('e'),"
                    + " range(10), slice(1, 2), 1j, ..., NotImplemented, len, lambda: 0, __import__('sys'),"
                    + " iter([]), {}.keys(), _tv_array.array('d', [1.0, 2.0])] + [tuple(range(n)) for n in range(0, 50, 7)]"
                    + " + [bytes(n) for n in range(0, 300, 37)] + [2 ** (30 * k) for k in range(6)]"));
            long typeOf = owned.add(Oracle.function("type"));
            long sizeOf = owned.add(Oracle.function(
                    "lambda o: len(o) if isinstance(o, (tuple, list, bytes, bytearray)) else -1"));
            int none = 0;
            for (long o : objects) {
                long len = Oracle.callLong(sizeOf, o);
                long type = Oracle.call(typeOf, o);
                try {
                    var refs = Oracle.RefCounts.of(o, type);
                    assertEquals(o, O.checked(o));
                    assertEquals(type, O.type(o), "ob_type vs type(o)");
                    assertEquals(T.name(type), O.typeName(o));
                    assertEquals(PY.PyType_GetFlags(type), O.typeFlags(o));
                    if (len >= 0) assertEquals(len, O.size(o), "ob_size vs len()");
                    if (O.isNone(o)) none++;
                    refs.assertUnchanged();
                } finally {
                    Oracle.decref(type);
                }
            }
            assertEquals(1, none);
            assertFalse(O.isNone(objects[1]));
        }
    }
}
