package dev.serpentine.ffi.codegen;

import java.util.List;
import java.util.stream.Collectors;

/**
 * FFM: one {@code static final} downcall handle per function (the JIT inlines a constant handle), called with
 * {@code invokeExact}; the handles live in a nested class, bound when it is first used, which is after
 * {@code load}. Binding and exception translation are the hand-written {@code Downcalls}.
 */
final class FfmBackend implements Backend {

    @Override
    public String className() {
        return "dev.serpentine.ffi.ffm.FfmCApi";
    }

    @Override
    public String source(List<CFunctionSpec> functions) {
        StringBuilder s = new StringBuilder(Backend.banner("dev.serpentine.ffi.ffm"));
        s.append("import dev.serpentine.ffi.binding.CPythonBinding;\n\n")
                .append("import java.lang.foreign.FunctionDescriptor;\n")
                .append("import java.lang.invoke.MethodHandle;\n\n")
                .append("import static java.lang.foreign.ValueLayout.JAVA_BYTE;\n")
                .append("import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;\n")
                .append("import static java.lang.foreign.ValueLayout.JAVA_INT;\n")
                .append("import static java.lang.foreign.ValueLayout.JAVA_LONG;\n\n")
                .append("/** Every {@code @CFunction} of {@link CPythonBinding} as an FFM downcall. */\n")
                .append("abstract class FfmCApi implements CPythonBinding {\n");
        for (CFunctionSpec f : functions) {
            String call = "H." + f.name() + ".invokeExact(" + f.argumentList() + ")";
            s.append('\n').append(f.header()).append(f.checks())
                    .append("        try {\n")
                    .append(switch (f.result()) {
                        case VOID -> "            " + call + ";\n";
                        default -> "            return (" + f.result().java + ") " + call + ";\n";
                    })
                    .append("        } catch (Throwable t) {\n")
                    .append("            throw Downcalls.rethrow(t);\n")
                    .append("        }\n")
                    .append("    }\n");
        }
        s.append("\n    /** The downcall handles, bound when this class is first used: after {@code load}. */\n")
                .append("    static final class H {\n");
        for (CFunctionSpec f : functions) {
            s.append("        static final MethodHandle ").append(f.name()).append(" = Downcalls.bind(\"")
                    .append(f.symbol()).append("\", ").append(descriptor(f)).append(", ").append(f.critical())
                    .append(");\n");
        }
        s.append("\n        private H() {\n        }\n    }\n}\n");
        return s.toString();
    }

    private static String descriptor(CFunctionSpec f) {
        String args = f.params().stream().map(p -> p.type().layout).collect(Collectors.joining(", "));
        if (f.result() == CApiProcessor.CType.VOID) return "FunctionDescriptor.ofVoid(" + args + ")";
        return "FunctionDescriptor.of(" + f.result().layout + (args.isEmpty() ? "" : ", " + args) + ")";
    }
}
