package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.view.PyListView;
import dev.serpentine.ffi.view.PyTupleView;
import dev.serpentine.ffi.view.WrongTypeException;
import org.junit.jupiter.api.Test;

import static dev.serpentine.ffi.tests.Oracle.PY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Filling a list or tuple just made by {@code PyList_New}/{@code PyTuple_New} through its item array
 * ({@code setFreshItem}, {@code initItem}), checked against Python: contents by {@code ==} with a list built in
 * Python, the new references stolen (refcounts before and after), and the refusals of the checked store.
 */
class FreshContainerFillTest {

    private static final PyListView L = Live.VIEWS.list();
    private static final PyTupleView T = Live.VIEWS.tuple();
    private static final int N = 1000;

    @Test
    void listFilledThroughItsItemArrayEqualsTheSameListBuiltInPython() {
        try (Live.Gil g = Live.gil(); Oracle.Owned owned = new Oracle.Owned()) {
            long expected = owned.eval("[i * 3 - 7 for i in range(" + N + ")]");
            long list = owned.add(PY.PyList_New(N));
            long items = L.items(list);
            assertNotEquals(0L, items);
            for (int i = 0; i < N; i++) L.setFreshItem(items, i, PY.PyLong_FromLongLong(i * 3L - 7));
            assertEquals(1L, equal(list, expected), "== against Python's list");
            assertEquals(N, PY.PyList_Size(list));
        }
    }

    @Test
    void tupleFilledThroughItsItemArrayEqualsTheSameTupleBuiltInPython() {
        try (Live.Gil g = Live.gil(); Oracle.Owned owned = new Oracle.Owned()) {
            long expected = owned.eval("tuple('s%d' % i for i in range(" + N + "))");
            long tuple = owned.add(PY.PyTuple_New(N));
            long items = T.items(tuple);
            long format = owned.eval("'s%d'.__mod__");
            for (int i = 0; i < N; i++) {
                long number = owned.add(PY.PyLong_FromLongLong(i));
                T.setFreshItem(items, i, Oracle.call(format, number));
            }
            assertEquals(1L, equal(tuple, expected), "== against Python's tuple");
            assertEquals(Oracle.evalLong("hash(tuple('s%d' % i for i in range(" + N + ")))"), PY.PyObject_Hash(tuple));
        }
    }

    /** {@code int(a == b)}, computed by Python. */
    private static long equal(long a, long b) {
        long eq = Oracle.function("lambda a, b: int(a == b)");
        try {
            return Oracle.callLong(eq, a, b);
        } finally {
            PY.Py_DecRef(eq);
        }
    }

    @Test
    void theStoredReferenceIsStolenAndDroppedWithTheContainer() {
        try (Live.Gil g = Live.gil(); Oracle.Owned owned = new Oracle.Owned()) {
            long shared = owned.eval("object()");
            long before = Live.refcount(shared);
            long list = PY.PyList_New(3);
            long tuple = PY.PyTuple_New(3);
            for (int i = 0; i < 3; i++) {
                PY.Py_IncRef(shared);
                L.setFreshItem(L.items(list), i, shared);
                PY.Py_IncRef(shared);
                T.initItem(tuple, i, shared);
            }
            assertEquals(before + 6, Live.refcount(shared), "each stored reference is owned by its container");
            for (int i = 0; i < 3; i++) {
                assertEquals(shared, PY.PyList_GetItem(list, i));
                assertEquals(shared, PY.PyTuple_GetItem(tuple, i));
            }
            PY.Py_DecRef(list);
            PY.Py_DecRef(tuple);
            assertEquals(before, Live.refcount(shared), "dropping the containers drops the references");
        }
    }

    @Test
    void aPartlyFilledContainerCanBeDroppedOnAnErrorPath() {
        try (Live.Gil g = Live.gil(); Oracle.Owned owned = new Oracle.Owned()) {
            long shared = owned.eval("object()");
            long before = Live.refcount(shared);
            long list = PY.PyList_New(5);
            long tuple = PY.PyTuple_New(5);
            PY.Py_IncRef(shared);
            L.initItem(list, 1, shared);
            PY.Py_IncRef(shared);
            T.setFreshItem(T.items(tuple), 3, shared);
            assertEquals(before + 2, Live.refcount(shared));
            // the NULL slots left are skipped by the deallocators
            PY.Py_DecRef(list);
            PY.Py_DecRef(tuple);
            assertEquals(before, Live.refcount(shared));
        }
    }

    @Test
    void theCheckedStoreRefusesWithoutTakingTheReference() {
        try (Live.Gil g = Live.gil(); Oracle.Owned owned = new Oracle.Owned()) {
            long value = owned.eval("object()");
            long before = Live.refcount(value);
            long list = owned.add(PY.PyList_New(2));
            long tuple = owned.add(PY.PyTuple_New(2));
            long filled = owned.eval("[1, 2]");
            long subclass = owned.eval("type('_FillList', (list,), {})([None])");
            long notAList = owned.eval("(1,)");

            assertThrows(IndexOutOfBoundsException.class, () -> L.initItem(list, 2, value));
            assertThrows(IndexOutOfBoundsException.class, () -> L.initItem(list, -1, value));
            assertThrows(IndexOutOfBoundsException.class, () -> T.initItem(tuple, 2, value));
            assertThrows(IllegalArgumentException.class, () -> T.initItem(tuple, 0, 0));
            var full = assertThrows(IllegalStateException.class, () -> L.initItem(filled, 0, value));
            assertEquals("slot 0 of the list is already filled", full.getMessage());
            assertThrows(WrongTypeException.class, () -> L.initItem(subclass, 0, value));
            assertThrows(WrongTypeException.class, () -> L.initItem(notAList, 0, value));
            assertThrows(WrongTypeException.class, () -> T.initItem(list, 0, value));
            assertThrows(WrongTypeException.class, () -> L.initItem(0, 0, value));
            assertEquals(before, Live.refcount(value), "a refused store takes no reference");
            assertEquals("[1, 2]", Oracle.text(filled), "a refused store changes nothing");

            // filling the second slot twice is refused too, the first store stays
            PY.Py_IncRef(value);
            T.initItem(tuple, 1, value);
            assertThrows(IllegalStateException.class, () -> T.initItem(tuple, 1, value));
            assertEquals(before + 1, Live.refcount(value));
            PY.Py_IncRef(value);
            T.initItem(tuple, 0, value);
            assertEquals(2, PY.PyTuple_Size(tuple));
        }
    }
}
