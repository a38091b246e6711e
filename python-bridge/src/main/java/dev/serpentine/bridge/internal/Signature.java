package dev.serpentine.bridge.internal;

import dev.serpentine.ffi.view.CPythonViews;
import dev.serpentine.ffi.view.PyDictView;
import dev.serpentine.ffi.view.PyStrView;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters of a Java-implemented Python function — positional-only first, then positional-or-keyword — and
 * the parsing of a call's {@code (args, kwargs)} into one borrowed reference per parameter (0 when not given), with
 * CPython's wording for every {@code TypeError}.
 */
final class Signature {

    private final String name;
    private final String[] params;
    private final int positionalOnly;
    private final int required;

    private Signature(String name, String[] params, int positionalOnly, int required) {
        this.name = name;
        this.params = params;
        this.positionalOnly = positionalOnly;
        this.required = required;
    }

    /** {@code name()}: no parameters. */
    static Signature none(String name) {
        return new Signature(name, new String[0], 0, 0);
    }

    /**
     * {@code name(positionalOnly…, /, others…)}; the first {@code required} parameters must be given.
     */
    static Signature of(String name, List<String> positionalOnly, List<String> others, int required) {
        List<String> all = new ArrayList<>(positionalOnly);
        all.addAll(others);
        if (required > all.size()) throw new IllegalArgumentException("more required parameters than parameters");
        return new Signature(name, all.toArray(new String[0]), positionalOnly.size(), required);
    }

    String name() {
        return name;
    }

    /** One borrowed reference per parameter (0 when absent); {@code args} is a tuple, {@code kwargs} a dict or 0. */
    long[] parse(CPythonViews views, long args, long kwargs) {
        long[] values = new long[params.length];
        long n = views.tuple().size(args);
        if (n > params.length) {
            throw new ArgumentError(params.length == 0
                    ? name + "() takes no arguments (" + n + " given)"
                    : name + "() takes at most " + params.length + " argument" + (params.length == 1 ? "" : "s")
                    + " (" + n + " given)");
        }
        for (int i = 0; i < n; i++) values[i] = views.tuple().item(args, i);
        if (kwargs != 0) {
            PyDictView dict = views.dict();
            PyStrView str = views.str();
            if (dict.size(kwargs) > 0 && params.length == 0) {
                throw new ArgumentError(name + "() takes no keyword arguments");
            }
            dict.forEach(kwargs, (key, value) -> {
                if ((views.object().typeFlags(key) & dev.serpentine.ffi.view.PyTypeView.Py_TPFLAGS_UNICODE_SUBCLASS) == 0
                        || !str.isReady(key)) {
                    throw new ArgumentError("keywords must be strings");
                }
                String k = str.toJavaString(key);
                int at = Arrays.asList(params).indexOf(k);
                if (at < 0) throw new ArgumentError(name + "() got an unexpected keyword argument '" + k + "'");
                if (at < positionalOnly) {
                    throw new ArgumentError(name + "() got some positional-only arguments passed as keyword arguments: '"
                            + k + "'");
                }
                if (values[at] != 0) {
                    throw new ArgumentError("argument for " + name + "() given by name ('" + k + "') and position ("
                            + (at + 1) + ")");
                }
                values[at] = value;
                return true;
            });
        }
        for (int i = 0; i < required; i++) {
            if (values[i] == 0) {
                throw new ArgumentError(name + "() missing required argument '" + params[i] + "' (pos " + (i + 1) + ")");
            }
        }
        return values;
    }
}
