package dev.serpentine.serializer;

/**
 * numpy {@code datetime64} values written as orjson 3.12 writes them (json-contract.md §2.10): a naive RFC 3339
 * date-time, {@code "YYYY-MM-DDTHH:MM:SS[.ffffff]"}, nanoseconds truncated to microseconds, with {@code OPT_NAIVE_UTC}
 * ({@code +00:00}, or {@code Z} with {@code OPT_UTC_Z}) and {@code OPT_OMIT_MICROSECONDS} applied. Years 0…9999 only.
 *
 * <p>Where orjson misbehaves we do not follow: negative months are floored (orjson panics), day/hour/… counts whose
 * seconds overflow are unrepresentable (orjson wraps around), a unit with a multiple ({@code M8[10s]}) is refused
 * (orjson panics), and the last hours of 9999-12-31 are written (orjson's time library stops short of them).
 */
final class Datetime64 {

    /** Longest output: the quotes, 26 characters of date-time and an offset of 6. */
    static final int MAX_LENGTH = 34;

    private static final int OPT_NAIVE_UTC = 1 << 1;
    private static final int OPT_OMIT_MICROSECONDS = 1 << 3;
    private static final int OPT_UTC_Z = 1 << 7;

    /** orjson's name of each NPY_DATETIMEUNIT code; the generic unit (14) and the unused 3 read as NaT, as in orjson. */
    private static final String[] UNIT = {"years", "months", "weeks", "NaT", "days", "hours", "minutes", "seconds",
            "milliseconds", "microseconds", "nanoseconds", "picoseconds", "femtoseconds", "attoseconds", "NaT"};
    private static final long[] SECONDS_PER = {0, 0, 604_800, 0, 86_400, 3_600, 60, 1};
    private static final long MIN_SECONDS = -62_167_219_200L; // 0000-01-01T00:00:00
    private static final long MAX_SECONDS = 253_402_300_799L; // 9999-12-31T23:59:59

    private Datetime64() {
    }

    /**
     * Writes {@code v} (a count of {@code unit}: its NPY_DATETIMEUNIT code | multiple &lt;&lt; 8) quoted at
     * {@code pos} ({@link #MAX_LENGTH} bytes free) and returns the position after it, or fails with the contract's
     * message.
     */
    static int write(long v, int unit, int opts, byte[] out, int pos) {
        int base = unit & 0xff;
        int multiple = unit >>> 8;
        if (base == 3 || base >= 11) { // picoseconds and finer, the generic unit, an unknown code
            throw new EncodeFailure("unsupported numpy.datetime64 unit: " + (base < UNIT.length ? UNIT[base] : "NaT"), 0);
        }
        if (multiple != 1) {
            throw new EncodeFailure("unsupported numpy.datetime64 unit: " + multiple + " " + UNIT[base], 0);
        }
        long seconds;
        int micros = 0;
        int year;
        int month;
        int day;
        if (base <= 1) { // years or months from 1970: a calendar date
            long months = base == 0 ? multiplyOrMax(v, 12) : v;
            long y = Math.floorDiv(months, 12) + 1970;
            if (y < 0 || y > 9999) throw unrepresentable(v, base);
            year = (int) y;
            month = (int) Math.floorMod(months, 12) + 1;
            day = 1;
            seconds = 0;
        } else {
            long s;
            switch (base) {
                case 8 -> {
                    s = Math.floorDiv(v, 1_000);
                    micros = (int) Math.floorMod(v, 1_000) * 1_000;
                }
                case 9 -> {
                    s = Math.floorDiv(v, 1_000_000);
                    micros = (int) Math.floorMod(v, 1_000_000);
                }
                case 10 -> {
                    s = Math.floorDiv(v, 1_000_000_000);
                    micros = (int) (Math.floorMod(v, 1_000_000_000) / 1_000);
                }
                default -> s = multiplyOrMax(v, SECONDS_PER[base]);
            }
            if (s < MIN_SECONDS || s > MAX_SECONDS) throw unrepresentable(v, base);
            long days = Math.floorDiv(s, 86_400);
            seconds = s - days * 86_400;
            // Days since 1970-01-01 to the proleptic Gregorian date (H. Hinnant's civil_from_days).
            long z = days + 719_468;
            long era = Math.floorDiv(z, 146_097);
            long doe = z - era * 146_097;
            long yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
            long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            long mp = (5 * doy + 2) / 153;
            day = (int) (doy - (153 * mp + 2) / 5 + 1);
            month = (int) (mp < 10 ? mp + 3 : mp - 9);
            year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        }
        out[pos++] = '"';
        pos = digits(year, 4, out, pos);
        out[pos++] = '-';
        pos = digits(month, 2, out, pos);
        out[pos++] = '-';
        pos = digits(day, 2, out, pos);
        out[pos++] = 'T';
        int sec = (int) seconds;
        pos = digits(sec / 3600, 2, out, pos);
        out[pos++] = ':';
        pos = digits(sec / 60 % 60, 2, out, pos);
        out[pos++] = ':';
        pos = digits(sec % 60, 2, out, pos);
        if (micros != 0 && (opts & OPT_OMIT_MICROSECONDS) == 0) {
            out[pos++] = '.';
            pos = digits(micros, 6, out, pos);
        }
        if ((opts & OPT_NAIVE_UTC) != 0) {
            if ((opts & OPT_UTC_Z) != 0) {
                out[pos++] = 'Z';
            } else {
                out[pos++] = '+';
                out[pos++] = '0';
                out[pos++] = '0';
                out[pos++] = ':';
                out[pos++] = '0';
                out[pos++] = '0';
            }
        }
        out[pos++] = '"';
        return pos;
    }

    /** a·b, or Long.MAX_VALUE when it overflows (then out of every range checked). */
    private static long multiplyOrMax(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi == (lo >> 63) ? lo : Long.MAX_VALUE;
    }

    private static EncodeFailure unrepresentable(long v, int base) {
        return new EncodeFailure("unrepresentable numpy.datetime64: " + v + " " + UNIT[base], 0);
    }

    private static int digits(int v, int n, byte[] out, int pos) {
        for (int i = pos + n - 1; i >= pos; i--) {
            out[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return pos + n;
    }
}
