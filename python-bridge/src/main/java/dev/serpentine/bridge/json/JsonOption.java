package dev.serpentine.bridge.json;

import java.util.Set;

/**
 * The options of {@code dumps}, with orjson's bit values ({@code serpentine.OPT_<name>} in Python). A Java caller
 * passes a set of them; {@link #bits} makes the {@code int} the encoder takes.
 */
public enum JsonOption {
    INDENT_2(1),
    NAIVE_UTC(1 << 1),
    NON_STR_KEYS(1 << 2),
    OMIT_MICROSECONDS(1 << 3),
    SERIALIZE_NUMPY(1 << 4),
    SORT_KEYS(1 << 5),
    STRICT_INTEGER(1 << 6),
    UTC_Z(1 << 7),
    PASSTHROUGH_SUBCLASS(1 << 8),
    PASSTHROUGH_DATETIME(1 << 9),
    APPEND_NEWLINE(1 << 10),
    PASSTHROUGH_DATACLASS(1 << 11);

    /** Every option bit: the largest valid {@code option}. */
    public static final int ALL = (1 << 12) - 1;

    /** This option's bit. */
    public final int bit;

    JsonOption(int bit) {
        this.bit = bit;
    }

    /** The {@code option} int of a set of options. */
    public static int bits(Set<JsonOption> options) {
        int bits = 0;
        for (JsonOption o : options) bits |= o.bit;
        return bits;
    }
}
