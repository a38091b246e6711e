package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.PyListView;
import dev.serpentine.ffi.view.PyTupleView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PyListView} and {@link PyTupleView} against {@code PyList_Size}/{@code PyList_GetItem},
 * {@code PyTuple_Size}/{@code PyTuple_GetItem}, {@code len} and {@code __sizeof__} (which counts the allocated slots).
 */
class ListTupleViewTest {

    private static final PyListView L = Live.VIEWS.list();
    private static final PyTupleView T = Live.VIEWS.tuple();

    private static final String SETUP = "import random as _lt_random, collections as _lt_collections\n"
            + "class _LtList(list):\n"
            + "    pass\n"
            + "class _LtTuple(tuple):\n"
            + "    pass\n"
            + "_LtPoint = _lt_collections.namedtuple('_LtPoint', 'x y z')\n"
            + "def _lt_mixed(rnd, n):\n"
            + "    pool = [None, True, 1.5, 'text', b'raw', (), [], {}, 2 ** 100, -3]\n"
            + "    return [rnd.choice(pool) if rnd.random() < 0.5 else object() for _ in range(n)]\n"
            + "def _lt_lists():\n"
            + "    rnd = _lt_random.Random(404)\n"
            + "    out = [[], list(), [None], [[]]]\n"
            + "    out += [list(range(n)) for n in range(0, 200, 3)]\n"
            + "    out += [_lt_mixed(rnd, rnd.randrange(0, 500)) for _ in range(50)]\n"
            + "    out += [list(range(n)) for n in (1000, 10000, 100000)]\n"
            + "    grown = []\n"
            + "    for i in range(1, 300):\n"
            + "        grown.append(str(i))\n"
            + "        if i % 37 == 0:\n"
            + "            out.append(list(grown))\n"
            + "            out.append(grown[:])\n"
            + "    out.append(grown)\n"
            + "    shrunk = list(range(1000))\n"
            + "    for _ in range(700):\n"
            + "        shrunk.pop()\n"
            + "    out.append(shrunk)\n"
            + "    cleared = list(range(50))\n"
            + "    cleared.clear()\n"
            + "    out.append(cleared)\n"
            + "    out += [_LtList(range(n)) for n in (0, 1, 5, 100)]\n"
            + "    return out\n"
            + "def _lt_tuples():\n"
            + "    rnd = _lt_random.Random(505)\n"
            + "    out = [(), tuple(), (None,), ((),), tuple([1, 2])]\n"
            + "    out += [tuple(range(n)) for n in range(0, 200, 3)]\n"
            + "    out += [tuple(_lt_mixed(rnd, rnd.randrange(0, 500))) for _ in range(50)]\n"
            + "    out += [tuple(range(n)) for n in (1000, 100000)]\n"
            + "    out += [_LtTuple(range(n)) for n in (0, 1, 5, 100)] + [_LtPoint(1, 'y', None), _LtPoint(*'abc')]\n"
            + "    out += [divmod(n, 7) for n in range(20)]\n"
            + "    return out\n";

    @Test
    void listsMatchTheCApi() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            long lists = owned.eval("_lt_lists()");
            long isExact = owned.add(Oracle.function("lambda l: int(type(l) is list)"));
            long slots = owned.add(Oracle.function("lambda l: (l.__sizeof__() - type(l).__basicsize__) // 8"));
            long pyLen = owned.add(Oracle.function("len"));
            int overAllocated = 0;
            int subclasses = 0;
            for (long l : Oracle.items(lists)) {
                boolean exact = Oracle.callLong(isExact, l) == 1;
                long pySize = Oracle.callLong(pyLen, l);
                long pySlots = Oracle.callLong(slots, l);
                var refs = Oracle.RefCounts.of(l);
                assertEquals(l, L.checked(l));
                assertEquals(exact, L.isExact(l));
                if (!exact) subclasses++;
                long size = PY.PyList_Size(l);
                assertEquals(size, L.size(l));
                assertEquals(pySize, L.size(l));
                long allocated = L.allocated(l);
                assertEquals(pySlots, allocated, "allocated vs __sizeof__");
                assertTrue(allocated >= size, "allocated >= size");
                if (allocated > size) overAllocated++;
                if (allocated == 0) assertEquals(0L, L.items(l), "no item array without slots");
                else assertNotEquals(0L, L.items(l));
                assertItems(l, size, true);
                refs.assertUnchanged();
            }
            assertTrue(overAllocated > 5, overAllocated + " over-allocated lists");
            assertEquals(4, subclasses);
        }
    }

    @Test
    void listsAndTuplesBuiltThroughTheCApi() {
        Random rnd = new Random(77);
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            List<Long> containers = new ArrayList<>();
            for (int n : new int[] {0, 1, 2, 3, 8, 9, 100, 1000}) {
                long list = owned.add(PY.PyList_New(0));
                for (int i = 0; i < n; i++) {
                    long item = PY.PyLong_FromLongLong(rnd.nextLong());
                    assertEquals(0, PY.PyList_Append(list, item));
                    Oracle.decref(item);
                }
                containers.add(list);
                long sized = owned.add(PY.PyList_New(n));
                long tuple = owned.add(PY.PyTuple_New(n));
                for (int i = 0; i < n; i++) {
                    PY.PyList_SetItem(sized, i, PY.PyFloat_FromDouble(rnd.nextDouble()));
                    PY.PyTuple_SetItem(tuple, i, PY.PyFloat_FromDouble(rnd.nextDouble()));
                }
                containers.add(sized);
                containers.add(tuple);
            }
            var refs = Oracle.RefCounts.of(containers);
            for (long c : containers) {
                if (L.isExact(c)) {
                    assertEquals(PY.PyList_Size(c), L.size(c));
                    assertTrue(L.allocated(c) >= L.size(c));
                    if (L.size(c) == 0 && L.allocated(c) == 0) assertEquals(0L, L.items(c));
                    assertItems(c, L.size(c), true);
                } else {
                    assertTrue(T.isExact(c));
                    assertEquals(PY.PyTuple_Size(c), T.size(c));
                    assertItems(c, T.size(c), false);
                }
            }
            assertEquals(0L, L.allocated(containers.get(0)), "PyList_New(0) allocates no slots");
            assertEquals(0L, L.items(containers.get(0)));
            refs.assertUnchanged();
        }
    }

    @Test
    void tuplesMatchTheCApi() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            long tuples = owned.eval("_lt_tuples()");
            long isExact = owned.add(Oracle.function("lambda t: int(type(t) is tuple)"));
            long slots = owned.add(Oracle.function("lambda t: (t.__sizeof__() - type(t).__basicsize__) // 8"));
            long pyLen = owned.add(Oracle.function("len"));
            int subclasses = 0;
            for (long t : Oracle.items(tuples)) {
                boolean exact = Oracle.callLong(isExact, t) == 1;
                long pySize = Oracle.callLong(pyLen, t);
                long pySlots = Oracle.callLong(slots, t);
                var refs = Oracle.RefCounts.of(t);
                assertEquals(t, T.checked(t));
                assertEquals(exact, T.isExact(t));
                if (!exact) subclasses++;
                long size = PY.PyTuple_Size(t);
                assertEquals(size, T.size(t));
                assertEquals(pySize, T.size(t));
                assertEquals(pySlots, T.size(t), "inline slots vs __sizeof__");
                assertEquals(t + Live.VIEWS.abi().layout().tupleItems, T.items(t));
                assertItems(t, size, false);
                refs.assertUnchanged();
            }
            assertEquals(6, subclasses);
        }
    }

    /** Every item is the object the C-API returns (identity), and its reference count is untouched. */
    private static void assertItems(long container, long size, boolean list) {
        long[] items = new long[(int) size];
        for (int i = 0; i < size; i++) {
            items[i] = list ? PY.PyList_GetItem(container, i) : PY.PyTuple_GetItem(container, i);
            assertNotEquals(0L, items[i]);
        }
        int sample = Math.max(1, items.length / 200);
        List<Long> sampled = new ArrayList<>();
        for (int i = 0; i < items.length; i += sample) sampled.add(items[i]);
        var refs = Oracle.RefCounts.of(sampled);
        for (int i = 0; i < size; i++) {
            long read = list ? L.item(container, i) : T.item(container, i);
            assertEquals(items[i], read, "item " + i);
            if (!list) assertEquals(items[i], Live.MEM.getLong(T.items(container) + 8L * i));
            else assertEquals(items[i], Live.MEM.getLong(L.items(container) + 8L * i));
        }
        refs.assertUnchanged();
    }
}
