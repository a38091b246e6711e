package dev.serpentine.ffi;

/**
 * How a CPython was built, as far as object layouts care: free-threaded builds ({@code 't'} in
 * {@code sys.abiflags}) have a 32-byte object header, {@code Py_TRACE_REFS} builds before 3.13 two extra header
 * pointers, and debug builds ({@code 'd'}) no layout change at all.
 *
 * @param abiflags      {@code sys.abiflags} as reported
 * @param freeThreaded  {@code Py_GIL_DISABLED}
 * @param traceRefs     {@code Py_TRACE_REFS} ({@code hasattr(sys, 'getobjects')})
 */
public record BuildFlavour(String abiflags, boolean freeThreaded, boolean traceRefs) {

    public static final BuildFlavour DEFAULT = new BuildFlavour("", false, false);

    public boolean debug() {
        return abiflags.indexOf('d') >= 0;
    }

    /** The flavour name ABI bundles are registered under: {@code default}, {@code free-threaded} or {@code trace-refs}. */
    public String layoutName() {
        return freeThreaded ? "free-threaded" : traceRefs ? "trace-refs" : "default";
    }

    @Override
    public String toString() {
        String s = layoutName();
        return debug() ? s + " (debug)" : s;
    }
}
