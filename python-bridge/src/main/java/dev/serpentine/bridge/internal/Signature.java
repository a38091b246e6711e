package dev.serpentine.bridge.internal;

import dev.serpentine.bridge.spi.Parameters;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.CPythonViews;
import dev.serpentine.ffi.view.PyStrView;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parameters of a Java-implemented {@code METH_FASTCALL | METH_KEYWORDS} Python function — positional-only
 * first, then positional-or-keyword — and the checking of a call's {@code (args, nargs, kwnames)} against them, with
 * CPython's wording for every {@code TypeError}. Nothing is allocated unless the call is wrong: positional
 * arguments are read in place, keyword names compared byte by byte with the parameter names (ASCII).
 */
final class Signature implements Parameters {

    private static final int MAX_PARAMETERS = 64; // the keywords given are tracked in one long

    private final String name;
    private final String[] params;
    private final byte[][] ascii;
    private final int positionalOnly;
    private final int required;
    private final NativeMemory mem;

    private Signature(String name, String[] params, int positionalOnly, int required, NativeMemory mem) {
        this.name = name;
        this.params = params;
        this.positionalOnly = positionalOnly;
        this.required = required;
        this.mem = mem;
        this.ascii = new byte[params.length][];
        for (int i = 0; i < params.length; i++) ascii[i] = params[i].getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code name()}: no parameters. */
    static Signature none(String name) {
        return of(name, List.of(), List.of(), 0);
    }

    /** {@code name(positionalOnly…, /, others…)}; the first {@code required} parameters must be given. */
    static Signature of(String name, List<String> positionalOnly, List<String> others, int required) {
        List<String> all = new ArrayList<>(positionalOnly);
        all.addAll(others);
        if (required < 0 || required > all.size()) {
            throw new IllegalArgumentException("required must be 0.." + all.size() + ", not " + required);
        }
        if (all.size() > MAX_PARAMETERS) throw new IllegalArgumentException("more than " + MAX_PARAMETERS + " parameters");
        for (String p : all) {
            if (!p.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("not an ASCII identifier: " + p);
        }
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("not an ASCII identifier: " + name);
        if (all.stream().distinct().count() != all.size()) throw new IllegalArgumentException("duplicate parameter names");
        return new Signature(name, all.toArray(new String[0]), positionalOnly.size(), required, null);
    }

    /** The same signature reading arguments through {@code mem}. */
    Signature reading(NativeMemory mem) {
        return new Signature(name, params, positionalOnly, required, mem);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String textSignature() {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < params.length; i++) {
            if (i > 0) s.append(", ");
            s.append(params[i]);
            if (i >= required) s.append("=None");
            if (i == positionalOnly - 1) s.append(", /");
        }
        return s.append(')').toString();
    }

    int size() {
        return params.length;
    }

    /** Refuses a call that does not fit, as CPython words it ({@link ArgumentError}, a {@code TypeError}). */
    void check(long args, long nargs, long kwnames) {
        int n = params.length;
        if (nargs > n) {
            throw new ArgumentError(n == 0
                    ? name + "() takes no arguments (" + nargs + " given)"
                    : name + "() takes at most " + n + " argument" + (n == 1 ? "" : "s") + " (" + nargs + " given)");
        }
        if (kwnames == 0) {
            if (nargs < required) throw missing((int) nargs);
            return;
        }
        CPythonViews views = ActiveRuntime.get().views();
        long keywords = views.tuple().size(kwnames);
        if (keywords == 0) {
            if (nargs < required) throw missing((int) nargs);
            return;
        }
        if (n == 0) throw new ArgumentError(name + "() takes no keyword arguments");
        long given = 0;
        for (long j = 0; j < keywords; j++) {
            long key = views.tuple().item(kwnames, j);
            int at = indexOf(views, key);
            if (at < 0) {
                throw new ArgumentError(name + "() got an unexpected keyword argument '" + views.str().toJavaString(key) + "'");
            }
            if (at < positionalOnly) {
                throw new ArgumentError(name + "() got some positional-only arguments passed as keyword arguments: '"
                        + params[at] + "'");
            }
            if (at < nargs) {
                throw new ArgumentError("argument for " + name + "() given by name ('" + params[at] + "') and position ("
                        + (at + 1) + ")");
            }
            given |= 1L << at;
        }
        for (int i = (int) nargs; i < required; i++) {
            if ((given & (1L << i)) == 0) throw missing(i);
        }
    }

    private ArgumentError missing(int at) {
        return new ArgumentError(name + "() missing required argument '" + params[at] + "' (pos " + (at + 1) + ")");
    }

    @Override
    public long get(long args, long nargs, long kwnames, int index) {
        if (index < nargs) return mem.getLong(args + 8L * index);
        if (kwnames == 0) return 0;
        CPythonViews views = ActiveRuntime.get().views();
        long keywords = views.tuple().size(kwnames);
        for (long j = 0; j < keywords; j++) {
            if (is(views, views.tuple().item(kwnames, j), index)) return mem.getLong(args + 8L * (nargs + j));
        }
        return 0;
    }

    private int indexOf(CPythonViews views, long key) {
        for (int i = 0; i < params.length; i++) {
            if (is(views, key, i)) return i;
        }
        return -1;
    }

    /** Whether the str {@code key} spells parameter {@code i}: an ASCII compare in place, else through Java. */
    private boolean is(CPythonViews views, long key, int i) {
        PyStrView str = views.str();
        byte[] expected = ascii[i];
        if (str.isReady(key) && str.isAscii(key)) {
            if (str.length(key) != expected.length) return false;
            long data = str.data(key);
            for (int k = 0; k < expected.length; k++) {
                if (mem.getByte(data + k) != expected[k]) return false;
            }
            return true;
        }
        return params[i].equals(str.toJavaString(key)); // not ready (3.9–3.11) or non-ASCII: never on a hot path
    }
}
