package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;

/**
 * {@code dict}: the number of items and its entries in insertion order, walked straight from the keys and values
 * blocks where that is safe, else through {@code PyDict_Next}.
 *
 * <p>The direct walk is used only for exact dicts with a table this layout knows; it is not used for subclasses
 * (which may override iteration), unknown key kinds, index tables wider than 4 bytes, or split-table values
 * embedded in an object that no longer uses them. {@link #walksDirectly} tells which path a dict takes.
 *
 * <p>The visitor must not run Python code: anything that does (a {@code __hash__}, a callback, releasing the GIL) can
 * resize the dict and free the block being walked.
 */
public final class PyDictView extends View {

    /** Receives one entry (borrowed key and value); returns false to stop the walk. */
    @FunctionalInterface
    public interface EntryVisitor {
        boolean entry(long key, long value);
    }

    private final AbiLayout.DictKeys keysLayout;

    /** {@code ma_used}'s offset, copied out of the layout (one dependent load fewer). */
    private final long usedOffset;

    PyDictView(CPythonBinding py, AbiLayout layout, PyTypes types) {
        super(py, layout, types);
        this.keysLayout = layout.dictKeysLayout;
        this.usedOffset = layout.dictUsed;
    }

    /** Verifies {@code o} is a {@code dict} (or subclass) and returns it. */
    public long checked(long o) {
        return checkedByFlag(o, types.dictType, PyTypeView.Py_TPFLAGS_DICT_SUBCLASS, "dict");
    }

    public boolean isExact(long o) {
        return typeOf(o) == types.dictType;
    }

    /** Number of items ({@code ma_used}). */
    public long size(long o) {
        return mem.getLong(o + usedOffset);
    }

    /** Whether {@link #forEach} reads this dict straight from memory (else it calls {@code PyDict_Next}). */
    public boolean walksDirectly(long o) {
        if (!isExact(o)) return false;
        if (size(o) == 0) return true;
        long keys = mem.getLong(o + layout.dictKeys);
        long values = mem.getLong(o + layout.dictValues);
        if (keysLayout == AbiLayout.DictKeys.SIZED) {
            return Long.compareUnsigned(mem.getLong(keys + layout.dictKeysSize), 0xffffffffL) <= 0;
        }
        int kind = mem.getByte(keys + layout.dictKeysKind);
        if (values == 0) return kind == layout.dictKindGeneral || kind == layout.dictKindUnicode;
        if (kind != layout.dictKindSplit) return false;
        // 3.13+: `valid` belongs to values embedded in their object (set to 0 once the object's dict took over);
        // values the dict allocated itself (embedded == 0, e.g. after the owner died) are always this dict's, and
        // CPython never initializes their `valid` byte.
        if (keysLayout != AbiLayout.DictKeys.LOG2_ORDER_AFTER_VALUES) return true;
        return mem.getByte(values + layout.dictValuesEmbedded) == 0
                || mem.getByte(values + layout.dictValuesValid) != 0;
    }

    /** Visits the entries in insertion order. */
    public void forEach(long o, EntryVisitor visitor) {
        if (!walksDirectly(o)) {
            nextWalk(o, visitor);
            return;
        }
        if (size(o) == 0) return;
        long keys = mem.getLong(o + layout.dictKeys);
        long values = mem.getLong(o + layout.dictValues);
        if (keysLayout == AbiLayout.DictKeys.SIZED) {
            sizedWalk(keys, values, visitor);
        } else if (values == 0) {
            combinedWalk(keys, visitor);
        } else {
            splitWalk(keys, values, visitor);
        }
    }

    /** 3.9/3.10: index width from {@code dk_size}; values from the entries, or from {@code ma_values} (split). */
    private void sizedWalk(long keys, long values, EntryVisitor visitor) {
        long size = mem.getLong(keys + layout.dictKeysSize);
        long nentries = mem.getLong(keys + layout.dictKeysNentries);
        int width = size <= 0xff ? 1 : size <= 0xffff ? 2 : 4;
        long entries = keys + layout.dictKeysIndices + size * width;
        for (long i = 0; i < nentries; i++) {
            long e = entries + layout.dictEntrySize * i;
            long v = values != 0 ? mem.getLong(values + 8 * i) : mem.getLong(e + layout.dictEntryValue);
            if (v != 0 && !visitor.entry(mem.getLong(e + layout.dictEntryKey), v)) return;
        }
    }

    /** 3.11+: entries after a {@code 1 << dk_log2_index_bytes} index table. */
    private long entriesOf(long keys) {
        return keys + layout.dictKeysIndices + (1L << (mem.getByte(keys + layout.dictKeysLog2IndexBytes) & 0xff));
    }

    private void combinedWalk(long keys, EntryVisitor visitor) {
        long nentries = mem.getLong(keys + layout.dictKeysNentries);
        long entries = entriesOf(keys);
        boolean general = mem.getByte(keys + layout.dictKeysKind) == layout.dictKindGeneral;
        int stride = general ? layout.dictEntrySize : layout.dictUnicodeEntrySize;
        int keyOffset = general ? layout.dictEntryKey : layout.dictUnicodeEntryKey;
        int valueOffset = general ? layout.dictEntryValue : layout.dictUnicodeEntryValue;
        for (long i = 0; i < nentries; i++) {
            long e = entries + stride * i;
            long v = mem.getLong(e + valueOffset);
            if (v != 0 && !visitor.entry(mem.getLong(e + keyOffset), v)) return;
        }
    }

    /** Split table: keys from the shared keys object, values and this dict's insertion order from the values block. */
    private void splitWalk(long keys, long values, EntryVisitor visitor) {
        long entries = entriesOf(keys) + layout.dictUnicodeEntryKey;
        long vals = values + layout.dictValuesItems;
        int n = mem.getByte(values + layout.dictValuesSize) & 0xff;
        boolean backwards = keysLayout == AbiLayout.DictKeys.LOG2_ORDER_BEFORE_VALUES;
        // 3.11/3.12: order bytes run backwards from a fixed place; 3.13+: forwards after values[capacity]
        long order = backwards ? values + layout.dictValuesOrder
                : vals + 8L * (mem.getByte(values + layout.dictValuesCapacity) & 0xff);
        for (int j = 0; j < n; j++) {
            int ix = mem.getByte(backwards ? order - j : order + j) & 0xff;
            long v = mem.getLong(vals + 8L * ix);
            if (v != 0 && !visitor.entry(mem.getLong(entries + (long) layout.dictUnicodeEntrySize * ix), v)) return;
        }
    }

    /** {@code PyDict_Next}: one downcall per item, every table kind, subclasses included. */
    private void nextWalk(long o, EntryVisitor visitor) {
        long slots = py.PyMem_RawCalloc(3, 8);
        if (slots == 0) throw new OutOfMemoryError("PyMem_RawCalloc failed");
        try {
            while (py.PyDict_Next(o, slots, slots + 8, slots + 16) != 0) {
                if (!visitor.entry(mem.getLong(slots + 8), mem.getLong(slots + 16))) return;
            }
        } finally {
            py.PyMem_RawFree(slots);
        }
    }
}
