package dev.serpentine.serializer;

import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.view.PyObjectView;
import dev.serpentine.ffi.view.PyTypeView;

/**
 * numpy's types that {@code OPT_SERIALIZE_NUMPY} writes (json-contract.md §2.10), found at run time: numpy is never a
 * dependency of the Java code. Made once the object graph holds an object whose type is named {@code numpy.…}, from
 * the tuple of the helper {@code numpy_types} (kept referenced for the life of the process, so the type addresses
 * stay valid). Also the element kinds shared by arrays and scalars.
 */
final class NumpyTypes {

    // Element kinds, in the order of numpy_types' scalar types (helpers.py).
    static final int F64 = 0;
    static final int F32 = 1;
    static final int F16 = 2;
    static final int I64 = 3;
    static final int I32 = 4;
    static final int I16 = 5;
    static final int I8 = 6;
    static final int U64 = 7;
    static final int U32 = 8;
    static final int U16 = 9;
    static final int U8 = 10;
    static final int BOOL = 11;
    static final int DATETIME64 = 12;
    private static final int[] SIZE = {8, 4, 2, 8, 4, 2, 1, 8, 4, 2, 1, 1, 8};

    final long ndarray;
    /** The scalar type of each kind, or 0 where its layout is not the expected one (then it is not written). */
    private final long[] scalars = new long[SIZE.length];

    /**
     * From {@code numpy_types}' tuple (a new reference, kept). A scalar type is trusted only if its instances are
     * big enough to hold the value where it is read ({@code valueOffset}, and the unit after a datetime64).
     */
    NumpyTypes(CPythonBinding py, PyObjectView object, PyTypeView type, long tuple, long tupleItems, int valueOffset) {
        if (object.size(tuple) != 1 + SIZE.length) throw new IllegalStateException("numpy_types() returned a wrong tuple");
        ndarray = py.memory().getLong(tupleItems + tuple);
        for (int k = 0; k < SIZE.length; k++) {
            long t = py.memory().getLong(tuple + tupleItems + 8L * (k + 1));
            long needed = valueOffset + SIZE[k] + (k == DATETIME64 ? 8 : 0);
            scalars[k] = type.basicsize(t) >= needed ? t : 0;
        }
    }

    /** The kind of an exact scalar type, or -1. */
    int scalarKind(long t) {
        for (int k = 0; k < scalars.length; k++) if (scalars[k] == t) return k;
        return -1;
    }

    static int size(int kind) {
        return SIZE[kind];
    }

    /** The kind of an array's elements from the array interface's typekind and itemsize, or -1 if unsupported. */
    static int arrayKind(byte typekind, int itemsize) {
        switch (typekind) {
            case 'f':
                return itemsize == 8 ? F64 : itemsize == 4 ? F32 : itemsize == 2 ? F16 : -1;
            case 'i':
                return itemsize == 8 ? I64 : itemsize == 4 ? I32 : itemsize == 2 ? I16 : itemsize == 1 ? I8 : -1;
            case 'u':
                return itemsize == 8 ? U64 : itemsize == 4 ? U32 : itemsize == 2 ? U16 : itemsize == 1 ? U8 : -1;
            case 'b':
                return itemsize == 1 ? BOOL : -1;
            case 'M':
                return itemsize == 8 ? DATETIME64 : -1;
            default:
                return -1;
        }
    }

    /** IEEE half precision bits to float (exact: every half is a float). */
    static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int exp = h >>> 10 & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | mant << 13);
        if (exp == 0) { // zero or subnormal: mant · 2^-24
            float f = mant * 0x1p-24f;
            return sign != 0 ? -f : f;
        }
        return Float.intBitsToFloat(sign | exp + 112 << 23 | mant << 13);
    }
}
