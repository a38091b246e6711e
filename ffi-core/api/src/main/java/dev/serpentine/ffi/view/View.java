package dev.serpentine.ffi.view;

import dev.serpentine.ffi.abi.AbiLayout;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import dev.serpentine.ffi.binding.NativeMemory;

/** What every view shares: memory, the bound layout, the builtin types, and the type checks of the checked entries. */
abstract class View {

    final CPythonBinding py;
    final NativeMemory mem;
    final AbiLayout layout;
    final PyTypes types;
    /** {@code ob_type}'s offset, copied out of {@link #layout}: the hottest read saves a dependent load. */
    private final long obType;

    View(CPythonBinding py, AbiLayout layout, PyTypes types) {
        this.py = py;
        this.mem = py.memory();
        this.layout = layout;
        this.types = types;
        this.obType = layout.obType;
    }

    final long typeOf(long o) {
        return mem.getLong(o + obType);
    }

    final long flagsOf(long type) {
        return mem.getLong(type + layout.tpFlags);
    }

    /** Exact type, or a subclass recognised by its {@code Py_TPFLAGS_*_SUBCLASS} bit. */
    final long checkedByFlag(long o, long exact, long subclassFlag, String expected) {
        if (o == 0) throw new WrongTypeException(expected, "NULL");
        long t = typeOf(o);
        if (t != exact && (flagsOf(t) & subclassFlag) == 0) throw new WrongTypeException(expected, nameOf(t));
        return o;
    }

    /** Exact type, or a subclass by {@code PyType_IsSubtype} (types without a subclass bit). */
    final long checkedBySubtype(long o, long exact, String expected) {
        if (o == 0) throw new WrongTypeException(expected, "NULL");
        long t = typeOf(o);
        if (t != exact && py.PyType_IsSubtype(t, exact) == 0) throw new WrongTypeException(expected, nameOf(t));
        return o;
    }

    /**
     * The checked store of {@code initItem}: slot {@code i} of {@code items} (an array of {@code size}) must be NULL,
     * i.e. not yet filled since {@code PyList_New}/{@code PyTuple_New}; on refusal the caller keeps its reference.
     */
    final void initSlot(long items, long size, long i, long newReference, String container) {
        if (newReference == 0) throw new IllegalArgumentException("storing NULL into a " + container);
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("slot " + i + " of a " + container + " of " + size);
        long slot = items + 8 * i;
        if (mem.getLong(slot) != 0) {
            throw new IllegalStateException("slot " + i + " of the " + container + " is already filled");
        }
        mem.putLong(slot, newReference);
    }

    final String nameOf(long type) {
        return CStrings.read(mem, mem.getLong(type + layout.tpName));
    }
}
