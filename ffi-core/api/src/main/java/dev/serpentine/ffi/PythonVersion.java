package dev.serpentine.ffi;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CPython version as the interpreter reports it ({@code Py_GetVersion()}, {@code sys.version}).
 *
 * @param major  3
 * @param minor  9 … 14
 * @param micro  the patch level, or -1 when only the minor version is known (from a library name)
 * @param text   the version text as reported (may include a release level, e.g. {@code 3.14.0rc1})
 */
public record PythonVersion(int major, int minor, int micro, String text) implements Comparable<PythonVersion> {

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?\\S*");

    /** Parses {@code "3.13.5 (main, ...) [GCC ...]"}, {@code "3.13.5"} or {@code "3.13"}. */
    public static PythonVersion parse(String text) {
        Matcher m = VERSION.matcher(text.trim());
        if (!m.find()) {
            throw new IllegalArgumentException("not a Python version: '" + text + "'");
        }
        int micro = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        return new PythonVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), micro, m.group());
    }

    /** "3.13": the part that decides the ABI. */
    public String minorVersion() {
        return major + "." + minor;
    }

    /** "cp313": the tag of the ABI bundle for this minor. */
    public String abiTag() {
        return "cp" + major + minor;
    }

    public boolean sameMinor(PythonVersion other) {
        return major == other.major && minor == other.minor;
    }

    @Override
    public int compareTo(PythonVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) c = Integer.compare(minor, o.minor);
        return c != 0 ? c : Integer.compare(micro, o.micro);
    }

    @Override
    public String toString() {
        return text;
    }
}
