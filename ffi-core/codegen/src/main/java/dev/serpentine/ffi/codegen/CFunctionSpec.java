package dev.serpentine.ffi.codegen;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One {@code @CFunction} method: its name, the C function it calls ({@code symbol}: the same name unless a twin
 * names another), its Java parameter and result types.
 */
record CFunctionSpec(String name, String symbol, CApiProcessor.CType result, List<Param> params, boolean critical) {

    /** A parameter; {@code min}/{@code max} come from {@code @CFunction.Range} (the type's extremes without it). */
    record Param(String name, CApiProcessor.CType type, long min, long max) {

        boolean checked() {
            return min > lowest() || max < highest();
        }

        private long lowest() {
            return switch (type) {
                case BYTE -> Byte.MIN_VALUE;
                case INT -> Integer.MIN_VALUE;
                default -> Long.MIN_VALUE;
            };
        }

        private long highest() {
            return switch (type) {
                case BYTE -> Byte.MAX_VALUE;
                case INT -> Integer.MAX_VALUE;
                default -> Long.MAX_VALUE;
            };
        }

        /** The check that throws IllegalArgumentException outside [min, max]; empty when the range is the type's. */
        String check(String function) {
            if (!checked()) return "";
            String test = (min > lowest() ? name + " < " + min + "L" : "")
                    + (min > lowest() && max < highest() ? " || " : "")
                    + (max < highest() ? name + " > " + max + "L" : "");
            return "        if (" + test + ") {\n"
                    + "            throw new IllegalArgumentException(\"" + function + ": " + name + " must be in ["
                    + min + ", " + max + "], not \" + " + name + ");\n"
                    + "        }\n";
        }
    }

    /** {@code long size, int maxchar} */
    String parameterList() {
        return params.stream().map(p -> p.type().java + " " + p.name()).collect(Collectors.joining(", "));
    }

    /** {@code size, maxchar} */
    String argumentList() {
        return params.stream().map(Param::name).collect(Collectors.joining(", "));
    }

    /** The public method's header, for an {@code @Override} of the interface method. */
    String header() {
        return "    @Override\n    public " + result.java + " " + name + "(" + parameterList() + ") {\n";
    }

    /** The argument checks of every ranged parameter. */
    String checks() {
        return params.stream().map(p -> p.check(name)).collect(Collectors.joining());
    }
}
