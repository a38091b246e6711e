package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.PyDictView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PyDictView} against {@code PyDict_Next} (order and identity of every key and value), {@code PyDict_Size} and
 * {@code len}: combined tables with str keys and mixed keys, deletions, 1-, 2- and 4-byte index tables, empty dicts,
 * split-table instance dicts (also in an order that differs from the shared keys, and after the owner died),
 * subclasses (which must take the {@code PyDict_Next} path) and visitors that stop early.
 */
class DictViewTest {

    private static final PyDictView D = Live.VIEWS.dict();

    private static final String SETUP = "import random as _dv_random, collections as _dv_collections, json as _dv_json\n"
            + "class _DvStr(str):\n"
            + "    pass\n"
            + "class _DvDict(dict):\n"
            + "    pass\n"
            + "class _DvObj:\n"
            + "    def __init__(self, i):\n"
            + "        self.a = i\n"
            + "        self.b = str(i)\n"
            + "        self.c = [i]\n"
            + "def _dv_combined():\n"
            + "    rnd = _dv_random.Random(8080)\n"
            + "    out = [{}, dict(), {'only': 1}, {1: 2}, dict.fromkeys('abcdef'), dict(zip(range(10), 'abcdefghij'))]\n"
            + "    out += [{('k%d' % i): i for i in range(n)} for n in range(0, 120, 7)]\n"
            + "    for n in (5, 20, 100, 1000):\n"
            + "        d = {('s%d' % i): object() for i in range(n)}\n"
            + "        for k in rnd.sample(sorted(d), n // 3):\n"
            + "            del d[k]\n"
            + "        d['late'] = 'entry'\n"
            + "        out.append(d)\n"
            + "    pool = [lambda i: i, lambda i: 'm%d' % i, lambda i: (i, 'tuple'), lambda i: i + 0.5,\n"
            + "            lambda i: b'b%d' % i, lambda i: frozenset([i]), lambda i: _DvStr('sub%d' % i), lambda i: None]\n"
            + "    for n in (1, 2, 8, 50, 400):\n"
            + "        d = {}\n"
            + "        for i in range(n):\n"
            + "            d[rnd.choice(pool)(i)] = rnd.choice([i, None, 'v', [], (i,)])\n"
            + "        for k in rnd.sample(list(d), len(d) // 4):\n"
            + "            del d[k]\n"
            + "        out.append(d)\n"
            + "    out.append({i: -i for i in range(300)})\n"
            + "    out.append({('key%d' % i): i for i in range(100000)})\n"
            + "    cleared = {i: i for i in range(50)}\n"
            + "    cleared.clear()\n"
            + "    emptied = {'x': 1, 'y': 2}\n"
            + "    del emptied['x'], emptied['y']\n"
            + "    out += [cleared, emptied, {_DvStr('a'): 1, 'b': 2}, (lambda **kw: kw)(a=1, b=2, c=3)]\n"
            + "    out += [_dv_json.loads('{\"x\": 1, \"y\": [1, 2], \"z\": {\"q\": null}}'), dict(vars(_dv_json))]\n"
            + "    return out\n"
            + "def _dv_instances():\n"
            + "    owners = [_DvObj(i) for i in range(30)]\n"
            + "    reordered = _DvObj.__new__(_DvObj)\n"
            + "    reordered.c = 'c first'\n"
            + "    reordered.a = 'then a'\n"
            + "    reordered.b = 'then b'\n"
            + "    partial = _DvObj.__new__(_DvObj)\n"
            + "    partial.b = 'only b'\n"
            + "    deleted = _DvObj(99)\n"
            + "    del deleted.b\n"
            + "    extended = _DvObj(7)\n"
            + "    extended.extra = 'extra'\n"
            + "    owners += [reordered, partial, deleted, extended, _DvObj.__new__(_DvObj)]\n"
            + "    dicts = [o.__dict__ for o in owners]\n"
            + "    return owners, dicts + [dicts[0].copy(), reordered.__dict__.copy(), partial.__dict__.copy(),\n"
            + "                            extended.__dict__.copy()]\n"
            + "def _dv_orphans():\n"
            + "    out = []\n"
            + "    for i in range(20):\n"
            + "        o = _DvObj(i)\n"
            + "        if i % 3 == 1:\n"
            + "            o.z = 'z'\n"
            + "        if i % 4 == 2:\n"
            + "            del o.a\n"
            + "        out.append(o.__dict__)\n"
            + "    return out\n"
            + "def _dv_subclasses():\n"
            + "    od = _dv_collections.OrderedDict((k, ord(k)) for k in 'abcdef')\n"
            + "    od.move_to_end('a')\n"
            + "    dd = _dv_collections.defaultdict(list)\n"
            + "    for i in range(30):\n"
            + "        dd[i % 7].append(i)\n"
            + "    return [_DvDict(), _DvDict(a=1, b=2), _DvDict((i, str(i)) for i in range(500)), od, dd,\n"
            + "            _dv_collections.Counter('mississippi'), _dv_collections.OrderedDict()]\n";

    @Test
    void combinedTablesWalkInPyDictNextOrder() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            long[] dicts = Oracle.items(owned.eval("_dv_combined()"));
            List<Long> all = new ArrayList<>(List.of(toBoxed(dicts)));
            all.add(owned.add(PY.PyDict_New()));
            int empty = 0;
            for (long d : all) {
                assertTrue(D.isExact(d));
                assertTrue(D.walksDirectly(d), "an exact dict is walked in place");
                assertSameAsPyDictNext(d);
                if (D.size(d) == 0) empty++;
            }
            assertEquals(6, empty);
        }
    }

    @Test
    void splitTablesOfInstanceDictsWalkInTheirOwnOrder() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            long pair = owned.eval("_dv_instances()");
            long[] dicts = Oracle.items(PY.PyTuple_GetItem(pair, 1));
            long keyList = owned.add(Oracle.function("lambda d: ','.join(d)"));
            int split = 0;
            for (long d : dicts) {
                assertTrue(D.isExact(d));
                assertTrue(D.walksDirectly(d), "an instance dict (or its copy) is walked in place");
                if (Live.MEM.getLong(d + Live.VIEWS.abi().layout().dictValues) != 0 && D.size(d) > 0) split++;
                assertSameAsPyDictNext(d);
            }
            assertTrue(split >= 30, split + " instance dicts with split tables");
            // the reordered instance: its own insertion order, not the shared keys' order
            assertEquals("c,a,b", Oracle.callText(keyList, dicts[30]));
            assertEquals(List.of("c", "a", "b"), keyNames(dicts[30]));
            assertEquals(List.of("b"), keyNames(dicts[31]));
            assertEquals(List.of("a", "c"), keyNames(dicts[32]));
            assertEquals(List.of("a", "b", "c", "extra"), keyNames(dicts[33]));
            assertEquals(List.of(), keyNames(dicts[34]));
            // copies of split dicts (split again in 3.9–3.12, fresh non-embedded values in 3.13+)
            assertEquals(List.of("a", "b", "c"), keyNames(dicts[35]));
            assertEquals(List.of("c", "a", "b"), keyNames(dicts[36]));
            assertEquals(List.of("b"), keyNames(dicts[37]));
            assertEquals(List.of("a", "b", "c", "extra"), keyNames(dicts[38]));
        }
    }

    @Test
    void instanceDictsOutliveTheirOwners() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            Live.exec("__import__('gc').collect()");
            long[] dicts = Oracle.items(owned.eval("_dv_orphans()"));
            long keyList = owned.add(Oracle.function("lambda d: ','.join(d)"));
            for (long d : dicts) {
                assertTrue(D.isExact(d));
                assertTrue(D.walksDirectly(d), "an orphaned instance dict owns its values");
                assertSameAsPyDictNext(d);
                assertEquals(Oracle.callText(keyList, d), String.join(",", keyNames(d)));
            }
        }
    }

    @Test
    void subclassesFallBackToPyDictNext() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            long[] dicts = Oracle.items(owned.eval("_dv_subclasses()"));
            for (long d : dicts) {
                assertEquals(d, D.checked(d));
                assertFalse(D.isExact(d));
                assertFalse(D.walksDirectly(d), "a dict subclass is read through PyDict_Next");
                assertSameAsPyDictNext(d);
            }
        }
    }

    @Test
    void visitorsCanStopEarly() {
        try (var g = Live.gil(); var owned = new Oracle.Owned()) {
            Live.exec(SETUP);
            List<Long> dicts = new ArrayList<>();
            for (long d : Oracle.items(owned.eval("_dv_combined()"))) dicts.add(d);
            long pair = owned.eval("_dv_instances()");
            for (long d : Oracle.items(PY.PyTuple_GetItem(pair, 1))) dicts.add(d);
            for (long d : Oracle.items(owned.eval("_dv_subclasses()"))) dicts.add(d);
            int stopped = 0;
            for (long d : dicts) {
                List<long[]> expected = pyDictNext(d);
                if (expected.size() > 5000) continue;
                var refs = Oracle.RefCounts.of(d);
                for (int limit = 1; limit <= expected.size() + 1; limit++) {
                    List<long[]> seen = new ArrayList<>();
                    final int stopAfter = limit;
                    D.forEach(d, (k, v) -> {
                        seen.add(new long[] {k, v});
                        return seen.size() < stopAfter;
                    });
                    int n = Math.min(limit, expected.size());
                    assertEquals(n, seen.size(), "entries visited with a stop after " + limit);
                    for (int i = 0; i < n; i++) {
                        assertEquals(expected.get(i)[0], seen.get(i)[0]);
                        assertEquals(expected.get(i)[1], seen.get(i)[1]);
                    }
                    if (limit <= expected.size()) stopped++;
                }
                refs.assertUnchanged();
            }
            assertTrue(stopped > 1000, stopped + " early stops");
        }
    }

    /** The view's walk is {@code PyDict_Next}'s, entry for entry; sizes agree; no reference count moves. */
    private static void assertSameAsPyDictNext(long d) {
        assertEquals(d, D.checked(d));
        List<long[]> expected = pyDictNext(d);
        assertEquals(PY.PyDict_Size(d), D.size(d), "ma_used vs PyDict_Size");
        assertEquals(expected.size(), D.size(d));
        List<Long> watched = new ArrayList<>();
        watched.add(d);
        int step = Math.max(1, expected.size() / 100);
        for (int i = 0; i < expected.size(); i += step) {
            watched.add(expected.get(i)[0]);
            watched.add(expected.get(i)[1]);
        }
        var refs = Oracle.RefCounts.of(watched);
        List<long[]> seen = new ArrayList<>();
        D.forEach(d, (k, v) -> seen.add(new long[] {k, v}));
        assertEquals(expected.size(), seen.size(), () -> "entries of " + shortRepr(d));
        for (int i = 0; i < expected.size(); i++) {
            final int index = i;
            assertEquals(expected.get(i)[0], seen.get(i)[0], () -> "key " + index + " of " + shortRepr(d));
            assertEquals(expected.get(i)[1], seen.get(i)[1], () -> "value " + index + " of " + shortRepr(d));
        }
        refs.assertUnchanged();
    }

    /** The oracle: {@code PyDict_Next}'s (borrowed) key and value pairs, in its order. */
    private static List<long[]> pyDictNext(long d) {
        List<long[]> entries = new ArrayList<>();
        long slots = Oracle.calloc(24);
        try {
            while (PY.PyDict_Next(d, slots, slots + 8, slots + 16) != 0) {
                entries.add(new long[] {Live.MEM.getLong(slots + 8), Live.MEM.getLong(slots + 16)});
            }
        } finally {
            Oracle.free(slots);
        }
        return entries;
    }

    /** The keys as text, in the view's order (converted after the walk: a visitor must not run Python code). */
    private static List<String> keyNames(long d) {
        List<Long> keys = new ArrayList<>();
        D.forEach(d, (k, v) -> keys.add(k));
        List<String> names = new ArrayList<>();
        for (long k : keys) names.add(Oracle.text(k));
        return names;
    }

    private static String shortRepr(long d) {
        String r = Live.repr(d);
        return r.length() > 200 ? r.substring(0, 200) + "…" : r;
    }

    private static Long[] toBoxed(long[] values) {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) boxed[i] = values[i];
        return boxed;
    }
}
