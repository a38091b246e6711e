package dev.serpentine.ffi.buffer;

/** The {@code PyBUF_*} request flags of {@code PyObject_GetBuffer} (identical in CPython 3.9–3.14). */
public final class BufferFlags {

    public static final int SIMPLE = 0;
    public static final int WRITABLE = 0x0001;
    public static final int FORMAT = 0x0004;
    public static final int ND = 0x0008;
    public static final int STRIDES = 0x0010 | ND;
    public static final int C_CONTIGUOUS = 0x0020 | STRIDES;
    public static final int F_CONTIGUOUS = 0x0040 | STRIDES;
    public static final int ANY_CONTIGUOUS = 0x0080 | STRIDES;
    public static final int INDIRECT = 0x0100 | STRIDES;
    public static final int CONTIG = ND | WRITABLE;
    public static final int CONTIG_RO = ND;
    public static final int STRIDED = STRIDES | WRITABLE;
    public static final int STRIDED_RO = STRIDES;
    public static final int RECORDS = STRIDES | WRITABLE | FORMAT;
    public static final int RECORDS_RO = STRIDES | FORMAT;
    public static final int FULL = INDIRECT | WRITABLE | FORMAT;
    public static final int FULL_RO = INDIRECT | FORMAT;

    private BufferFlags() {
    }
}
