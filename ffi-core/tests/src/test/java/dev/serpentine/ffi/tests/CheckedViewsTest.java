package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.CPythonViews;
import dev.serpentine.ffi.view.WrongTypeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.LongUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every view's {@code checked} entry against Python's own {@code isinstance}/{@code type(o) is …}: it returns the
 * address for objects of its type (and subclasses where the type has them), and throws {@link WrongTypeException}
 * naming the expected and the found type for every other object and for NULL.
 */
class CheckedViewsTest {

    /** A view's {@code checked} entry, its name in messages and what Python says it accepts. */
    record Entry(String name, LongUnaryOperator checked, String accepts) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Entry> views() {
        CPythonViews v = Live.VIEWS;
        return List.of(
                new Entry("object", v.object()::checked, "lambda o: True"),
                new Entry("type", v.type()::checked, "lambda o: isinstance(o, type)"),
                new Entry("bytes", v.bytes()::checked, "lambda o: isinstance(o, bytes)"),
                new Entry("bytearray", v.bytearray()::checked, "lambda o: isinstance(o, bytearray)"),
                new Entry("memoryview", v.memoryview()::checked, "lambda o: type(o) is memoryview"),
                new Entry("managedbuffer", v.managedBuffer()::checked, "lambda o: type(o).__name__ == 'managedbuffer'"),
                new Entry("str", v.str()::checked, "lambda o: isinstance(o, str)"),
                new Entry("int", v.integer()::checked, "lambda o: isinstance(o, int)"),
                new Entry("float", v.floating()::checked, "lambda o: isinstance(o, float)"),
                new Entry("list", v.list()::checked, "lambda o: isinstance(o, list)"),
                new Entry("tuple", v.tuple()::checked, "lambda o: isinstance(o, tuple)"),
                new Entry("dict", v.dict()::checked, "lambda o: isinstance(o, dict)"));
    }

    private static final String OBJECTS = "import gc as _cv_gc, collections as _cv_collections, array as _cv_array\n"
            + "class _CvMeta(type):\n"
            + "    pass\n"
            + "class _CvClass(metaclass=_CvMeta):\n"
            + "    pass\n"
            + "_cv_subclasses = {}\n"
            + "for _cv_base in (int, float, str, bytes, bytearray, list, tuple, dict, object, type, Exception):\n"
            + "    _cv_subclasses[_cv_base] = type('_Cv' + _cv_base.__name__.title(), (_cv_base,), {})\n"
            + "def _cv_objects():\n"
            + "    mv = memoryview(b'managed')\n"
            + "    mbuf = [r for r in _cv_gc.get_referents(mv) if type(r).__name__ == 'managedbuffer'][0]\n"
            + "    sub = _cv_subclasses\n"
            + "    return [None, True, False, 0, 1, -5, 2 ** 100, -(2 ** 70), 0.0, -1.5, float('nan'), 1j, '', 'text',\n"
            + "            '\\u20ac', '\\U0001f600', b'', b'raw', bytearray(), bytearray(b'x'), mv, mv[::2], mbuf,\n"
            + "            [], [1, 2], (), (1,), {}, {'a': 1}, set(), frozenset(), object(), range(3), slice(1), ...,\n"
            + "            NotImplemented, int, str, type, object, _CvMeta, _CvClass, _CvClass(), len, lambda: 0,\n"
            + "            _cv_gc, iter([]), {}.keys(), _cv_array.array('b'), _cv_collections.OrderedDict(a=1),\n"
            + "            _cv_collections.namedtuple('_CvPoint', 'x')(1), _cv_collections.Counter('ab'), ValueError('v'),\n"
            + "            sub[int](7), sub[float](2.5), sub[str]('s'), sub[bytes](b'b'), sub[bytearray](b'ba'),\n"
            + "            sub[list]([1]), sub[tuple]((1,)), sub[dict](a=1), sub[object](), sub[type]('_CvDyn', (), {}),\n"
            + "            sub[Exception]('e')] + list(sub.values())\n";

    @ParameterizedTest(name = "{0}")
    @MethodSource("views")
    void acceptsExactlyWhatPythonCallsItsType(Entry view) {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(OBJECTS);
            long[] objects = Oracle.items(owned.eval("_cv_objects()"));
            long accepts = owned.add(Oracle.function(view.accepts()));
            long typeName = owned.add(Oracle.function("lambda o: type(o).__name__"));
            int accepted = 0;
            int refused = 0;
            for (long o : objects) {
                long answer = Oracle.call(accepts, o);
                boolean expected = Live.PY.PyObject_IsTrue(answer) == 1;
                Oracle.decref(answer);
                String found = Oracle.callText(typeName, o);
                var refs = Oracle.RefCounts.of(o);
                if (expected) {
                    assertEquals(o, view.checked().applyAsLong(o), () -> view + " refused a " + found);
                    accepted++;
                } else {
                    WrongTypeException e = assertThrows(WrongTypeException.class, () -> view.checked().applyAsLong(o),
                            () -> view + " accepted a " + found);
                    assertTrue(e.getMessage().contains("expected a Python " + view.name() + " object"), e.getMessage());
                    assertTrue(e.getMessage().endsWith(" " + found) || e.getMessage().endsWith("." + found),
                            e.getMessage() + " does not name " + found);
                    refused++;
                }
                refs.assertUnchanged();
            }
            assertTrue(accepted > 0, view + " accepted nothing");
            if (!view.name().equals("object")) assertTrue(refused > 0, view + " refused nothing");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("views")
    void refusesNull(Entry view) {
        try (var g = Live.gil()) {
            WrongTypeException e = assertThrows(WrongTypeException.class, () -> view.checked().applyAsLong(0));
            assertEquals("expected a Python " + view.name() + " object but got NULL", e.getMessage());
        }
    }

    @Test
    void bufferStructsAreCheckedForNullAndDimensions() {
        var buffer = Live.VIEWS.buffer();
        assertThrows(IllegalArgumentException.class, () -> buffer.checked(0));
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            long mv = owned.eval("memoryview(bytes(24)).cast('B', [2, 3, 4])");
            long view = Live.VIEWS.memoryview().view(mv);
            assertEquals(view, buffer.checked(view));
            long fake = Oracle.calloc(80);
            try {
                Live.MEM.putInt(fake + 36, 65); // ndim beyond PyBUF_MAX_NDIM
                assertThrows(IllegalArgumentException.class, () -> buffer.checked(fake));
                Live.MEM.putInt(fake + 36, -1);
                assertThrows(IllegalArgumentException.class, () -> buffer.checked(fake));
                Live.MEM.putInt(fake + 36, 64);
                assertEquals(fake, buffer.checked(fake));
            } finally {
                Oracle.free(fake);
            }
        }
    }
}
