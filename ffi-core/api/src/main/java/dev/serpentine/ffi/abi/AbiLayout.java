package dev.serpentine.ffi.abi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /**
     * How this version keeps Python's C stack within bounds, which the bridge narrows to the thread's real stack
     * (CPython assumes 8 MB; a Java thread has 1 MB).
     */
    public enum StackGuard {
        /** 3.9/3.10: {@code PyThreadState.recursion_depth} counts up to the interpreter's recursion limit. */
        DEPTH,
        /** 3.11: {@code recursion_remaining}; 3.12/3.13: {@code c_recursion_remaining}: counts down to 0. */
        REMAINING,
        /** 3.14: CPython compares the stack pointer with limits that {@code PyUnstable_ThreadState_SetStackProtection} sets. */
        STACK_PROTECTION
    }

    public final String tag;

    // object header and type objects
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
    /** The bits of the state word that hold the interned state. */
    public final int strInternedMask;

    // int, float
    public final IntEncoding intEncoding;
    public final int intSizeOrTag;
    /** {@link IntEncoding#TAGGED} only (else -1): the sign code bits and where the digit count starts. */
    public final int intTagSignMask;
    public final int intTagCountShift;
    public final int intDigits;
    /** {@code PyLong_SHIFT} and {@code sizeof(digit)}: {@code sys.int_info}. */
    public final int intDigitBits;
    public final int intDigitSize;
    public final int floatValue;

    // list, tuple
    public final int listItems;
    public final int listAllocated;
    public final int tupleItems;

    // dict: PyDictObject
    public final int dictUsed;
    public final int dictKeys;
    public final int dictValues;
    public final DictKeys dictKeysLayout;
    // PyDictKeysObject: the header fields read, where the index table starts, the entries
    public final int dictKeysNentries;
    public final int dictKeysIndices;
    /** {@link DictKeys#SIZED} only (else -1): {@code dk_size}. */
    public final int dictKeysSize;
    /** 3.11+ only (else -1): {@code dk_log2_index_bytes}, {@code dk_kind} (bytes) and the kind values. */
    public final int dictKeysLog2IndexBytes;
    public final int dictKeysKind;
    public final int dictKindGeneral;
    public final int dictKindUnicode;
    public final int dictKindSplit;
    /** {@code PyDictKeyEntry {me_hash, me_key, me_value}}. */
    public final int dictEntrySize;
    public final int dictEntryKey;
    public final int dictEntryValue;
    /** 3.11+ only (else -1): {@code PyDictUnicodeEntry {me_key, me_value}}. */
    public final int dictUnicodeEntrySize;
    public final int dictUnicodeEntryKey;
    public final int dictUnicodeEntryValue;
    /**
     * 3.11+ split tables (else -1), relative to {@code ma_values}: the values array, the byte counting this dict's
     * entries, and (3.11/3.12) the first insertion-order byte, the others running backwards from it.
     */
    public final int dictValuesItems;
    public final int dictValuesSize;
    public final int dictValuesOrder;
    /** 3.13+ only (else -1): {@code PyDictValues.capacity}, {@code embedded}, {@code valid} (bytes). */
    public final int dictValuesCapacity;
    public final int dictValuesEmbedded;
    public final int dictValuesValid;

    // thread state: the C recursion guard
    public final StackGuard stackGuard;
    /** {@link StackGuard#DEPTH} and {@link StackGuard#REMAINING} only (else -1): the counter's offset in {@code PyThreadState}. */
    public final int stackGuardCounter;
    /**
     * Counter kinds only (else -1): the most C stack one counted level takes, measured with margin (a Python call
     * through C on 3.9–3.11; one C unit on 3.12/3.13, where an evaluation frame counts two).
     */
    public final int stackGuardUnitBytes;

    private final Map<String, String> facts;

    private AbiLayout(String tag, Properties p) {
        this.tag = tag;
        Reader r = new Reader(tag, p, new LinkedHashMap<>());
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
        strInternedMask = r.i("strInternedMask");
        intEncoding = IntEncoding.valueOf(r.s("intEncoding"));
        boolean tagged = intEncoding == IntEncoding.TAGGED;
        intSizeOrTag = r.i("intSizeOrTag");
        intTagSignMask = r.i("intTagSignMask", tagged);
        intTagCountShift = r.i("intTagCountShift", tagged);
        intDigits = r.i("intDigits");
        intDigitBits = r.i("intDigitBits");
        intDigitSize = r.i("intDigitSize");
        floatValue = r.i("floatValue");
        listItems = r.i("listItems");
        listAllocated = r.i("listAllocated");
        tupleItems = r.i("tupleItems");
        dictUsed = r.i("dictUsed");
        dictKeys = r.i("dictKeys");
        dictValues = r.i("dictValues");
        dictKeysLayout = DictKeys.valueOf(r.s("dictKeysLayout"));
        boolean sized = dictKeysLayout == DictKeys.SIZED;
        boolean after = dictKeysLayout == DictKeys.LOG2_ORDER_AFTER_VALUES;
        dictKeysNentries = r.i("dictKeysNentries");
        dictKeysIndices = r.i("dictKeysIndices");
        dictKeysSize = r.i("dictKeysSize", sized);
        dictKeysLog2IndexBytes = r.i("dictKeysLog2IndexBytes", !sized);
        dictKeysKind = r.i("dictKeysKind", !sized);
        dictKindGeneral = r.i("dictKindGeneral", !sized);
        dictKindUnicode = r.i("dictKindUnicode", !sized);
        dictKindSplit = r.i("dictKindSplit", !sized);
        dictEntrySize = r.i("dictEntrySize");
        dictEntryKey = r.i("dictEntryKey");
        dictEntryValue = r.i("dictEntryValue");
        dictUnicodeEntrySize = r.i("dictUnicodeEntrySize", !sized);
        dictUnicodeEntryKey = r.i("dictUnicodeEntryKey", !sized);
        dictUnicodeEntryValue = r.i("dictUnicodeEntryValue", !sized);
        dictValuesItems = r.i("dictValuesItems", !sized);
        dictValuesSize = r.i("dictValuesSize", !sized);
        dictValuesOrder = r.i("dictValuesOrder", dictKeysLayout == DictKeys.LOG2_ORDER_BEFORE_VALUES);
        dictValuesCapacity = r.i("dictValuesCapacity", after);
        dictValuesEmbedded = r.i("dictValuesEmbedded", after);
        dictValuesValid = r.i("dictValuesValid", after);
        stackGuard = StackGuard.valueOf(r.s("stackGuard"));
        boolean counted = stackGuard != StackGuard.STACK_PROTECTION;
        stackGuardCounter = r.i("stackGuardCounter", counted);
        stackGuardUnitBytes = r.i("stackGuardUnitBytes", counted);
        facts = Collections.unmodifiableMap(r.read);
        for (String key : p.stringPropertyNames()) {
            if (!key.startsWith("abi.") && !key.startsWith("bundle.") && !facts.containsKey(key)) {
                // a fact nothing reads would go unverified: refuse it rather than carry it
                throw new IllegalStateException("layout " + tag + " has " + key + ", which no view reads");
            }
        }
    }

    /**
     * The layout keys this version uses and their values as written ({@code "dictKeys" -> "32"}), in reading order:
     * every one is read by a view and proved by {@link AbiVerifier}.
     */
    public Map<String, String> facts() {
        return facts;
    }

    /** {@code "key = value"} of the named facts this layout has (others belong to other encodings), for messages. */
    String describe(String... keys) {
        StringBuilder b = new StringBuilder();
        for (String k : keys) {
            if (!facts.containsKey(k)) continue;
            if (b.length() > 0) b.append(", ");
            b.append(k).append(" = ").append(facts.get(k));
        }
        return b.toString();
    }

    /** Reads a layout; a missing or malformed key is an {@link IllegalStateException} naming it. */
    public static AbiLayout from(String tag, Properties p) {
        return new AbiLayout(tag, p);
    }

    private record Reader(String tag, Properties p, Map<String, String> read) {
        String s(String key) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) throw new IllegalStateException("layout " + tag + " has no " + key);
            read.put(key, v.trim());
            return v.trim();
        }

        /** A key this layout has only when {@code used}; -1 (and absent from the file) otherwise. */
        int i(String key, boolean used) {
            if (used) return i(key);
            if (p.getProperty(key) != null) {
                throw new IllegalStateException("layout " + tag + " has " + key + ", which its encodings do not use");
            }
            return -1;
        }

        int i(String key) {
            String v = s(key);
            try {
                if (v.startsWith("-0x")) return -Integer.parseInt(v.substring(3), 16);
                return v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("layout " + tag + ": " + key + " = '" + v + "' is not a number", e);
            }
        }
    }
}
