package dev.serpentine.ffi.abi;

import java.util.Properties;

/**
 * Where one CPython version keeps each field the views read: byte offsets from the {@code PyObject*}, flag bits, and
 * the encodings that changed between versions. Values come from the ABI bundle's {@code layout.properties}; the keys
 * are the field names below. See the project's {@code cpython-abi.md} for the verified tables.
 */
public final class AbiLayout {

    /** How an int stores its sign and digit count. */
    public enum IntEncoding {
        /** 3.9–3.11: {@code ob_size} is the signed digit count. */
        SIGNED_SIZE,
        /** 3.12+: {@code lv_tag}: sign code in bits 0–1, digit count from bit 3 (3.14 marks small ints with bit 2). */
        TAGGED
    }

    /** How a dict's keys object is laid out and where a split table keeps its insertion order. */
    public enum DictKeys {
        /** 3.9/3.10: {@code dk_size} and {@code dk_lookup}, a 40-byte header, 24-byte entries; split order = key order. */
        SIZED,
        /** 3.11/3.12: {@code dk_log2_size}, 32-byte header, unicode entries; split order bytes before the values. */
        LOG2_ORDER_BEFORE_VALUES,
        /** 3.13+: as above, with a {@code PyDictValues} prefix and the order bytes after {@code values[capacity]}. */
        LOG2_ORDER_AFTER_VALUES
    }

    public final String tag;

    // object header and type objects
    public final int headerSize;
    public final int obType;
    public final int obSize;
    public final int tpName;
    public final int tpBasicsize;
    public final int tpItemsize;
    public final int tpAsBuffer;
    public final int tpFlags;

    // bytes, bytearray
    public final int bytesHash;
    public final int bytesData;
    public final int bytearrayAlloc;
    public final int bytearrayBytes;
    public final int bytearrayStart;
    public final int bytearrayExports;

    // managed buffer, memoryview (Py_buffer itself is the same in every version: see PyBufferView)
    public final int managedBufferFlags;
    public final int managedBufferExports;
    public final int managedBufferMaster;
    public final int memoryviewMbuf;
    public final int memoryviewHash;
    public final int memoryviewFlags;
    public final int memoryviewExports;
    public final int memoryviewView;
    public final int memoryviewArray;

    // str
    public final int strLength;
    public final int strHash;
    public final int strState;
    public final int strAsciiData;
    public final int strUtf8Length;
    public final int strUtf8;
    public final int strCompactData;
    public final int strLegacyData;
    public final int strKindShift;
    public final int strKindMask;
    public final int strCompactBit;
    public final int strAsciiBit;
    /** The {@code ready} bit of 3.9–3.11, or 0 where every string is ready. */
    public final int strReadyBit;

    // int, float
    public final IntEncoding intEncoding;
    public final int intSizeOrTag;
    public final int intDigits;
    public final int floatValue;

    // list, tuple
    public final int listItems;
    public final int listAllocated;
    public final int tupleItems;

    // dict
    public final int dictUsed;
    public final int dictKeys;
    public final int dictValues;
    public final DictKeys dictKeysLayout;

    // sizes the verifier compares with the live type objects (tp_basicsize)
    public final int bytesBasicsize;
    public final int strBasicsize;
    public final int intBasicsize;
    public final int tupleBasicsize;
    public final int listBasicsize;
    public final int dictBasicsize;
    public final int floatBasicsize;
    public final int bytearrayBasicsize;
    public final int memoryviewBasicsize;

    private AbiLayout(String tag, Properties p) {
        this.tag = tag;
        Reader r = new Reader(tag, p);
        headerSize = r.i("headerSize");
        obType = r.i("obType");
        obSize = r.i("obSize");
        tpName = r.i("tpName");
        tpBasicsize = r.i("tpBasicsize");
        tpItemsize = r.i("tpItemsize");
        tpAsBuffer = r.i("tpAsBuffer");
        tpFlags = r.i("tpFlags");
        bytesHash = r.i("bytesHash");
        bytesData = r.i("bytesData");
        bytearrayAlloc = r.i("bytearrayAlloc");
        bytearrayBytes = r.i("bytearrayBytes");
        bytearrayStart = r.i("bytearrayStart");
        bytearrayExports = r.i("bytearrayExports");
        managedBufferFlags = r.i("managedBufferFlags");
        managedBufferExports = r.i("managedBufferExports");
        managedBufferMaster = r.i("managedBufferMaster");
        memoryviewMbuf = r.i("memoryviewMbuf");
        memoryviewHash = r.i("memoryviewHash");
        memoryviewFlags = r.i("memoryviewFlags");
        memoryviewExports = r.i("memoryviewExports");
        memoryviewView = r.i("memoryviewView");
        memoryviewArray = r.i("memoryviewArray");
        strLength = r.i("strLength");
        strHash = r.i("strHash");
        strState = r.i("strState");
        strAsciiData = r.i("strAsciiData");
        strUtf8Length = r.i("strUtf8Length");
        strUtf8 = r.i("strUtf8");
        strCompactData = r.i("strCompactData");
        strLegacyData = r.i("strLegacyData");
        strKindShift = r.i("strKindShift");
        strKindMask = r.i("strKindMask");
        strCompactBit = r.i("strCompactBit");
        strAsciiBit = r.i("strAsciiBit");
        strReadyBit = r.i("strReadyBit");
        intEncoding = IntEncoding.valueOf(r.s("intEncoding"));
        intSizeOrTag = r.i("intSizeOrTag");
        intDigits = r.i("intDigits");
        floatValue = r.i("floatValue");
        listItems = r.i("listItems");
        listAllocated = r.i("listAllocated");
        tupleItems = r.i("tupleItems");
        dictUsed = r.i("dictUsed");
        dictKeys = r.i("dictKeys");
        dictValues = r.i("dictValues");
        dictKeysLayout = DictKeys.valueOf(r.s("dictKeysLayout"));
        bytesBasicsize = r.i("bytesBasicsize");
        strBasicsize = r.i("strBasicsize");
        intBasicsize = r.i("intBasicsize");
        tupleBasicsize = r.i("tupleBasicsize");
        listBasicsize = r.i("listBasicsize");
        dictBasicsize = r.i("dictBasicsize");
        floatBasicsize = r.i("floatBasicsize");
        bytearrayBasicsize = r.i("bytearrayBasicsize");
        memoryviewBasicsize = r.i("memoryviewBasicsize");
    }

    /** Reads a layout; a missing or malformed key is an {@link IllegalStateException} naming it. */
    public static AbiLayout from(String tag, Properties p) {
        return new AbiLayout(tag, p);
    }

    private record Reader(String tag, Properties p) {
        String s(String key) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) throw new IllegalStateException("layout " + tag + " has no " + key);
            return v.trim();
        }

        int i(String key) {
            String v = s(key);
            try {
                return v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("layout " + tag + ": " + key + " = '" + v + "' is not a number", e);
            }
        }
    }
}
