package dev.serpentine.ffi.codegen;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * JNA: direct mapping, one {@code static native} method per function with the same raw {@code long}/{@code int}
 * parameters, in a nested class that {@code JnaBinding.load} registers against libpython ({@code Native.register}).
 * A twin ({@code symbol} naming another function) calls that function's native: JNA has no critical calls.
 */
final class JnaBackend implements Backend {

    @Override
    public String className() {
        return "dev.serpentine.ffi.jna.JnaCApi";
    }

    @Override
    public String source(List<CFunctionSpec> functions) {
        StringBuilder s = new StringBuilder(Backend.banner("dev.serpentine.ffi.jna"));
        s.append("import dev.serpentine.ffi.binding.CPythonBinding;\n\n")
                .append("/** Every {@code @CFunction} of {@link CPythonBinding} as a JNA direct-mapped call. */\n")
                .append("abstract class JnaCApi implements CPythonBinding {\n");
        for (CFunctionSpec f : functions) {
            String call = "LibPython." + f.symbol() + "(" + f.argumentList() + ");\n";
            s.append('\n').append(f.header()).append(f.checks())
                    .append(f.result() == CApiProcessor.CType.VOID ? "        " : "        return ").append(call)
                    .append("    }\n");
        }
        s.append("\n    /** libpython's functions, registered against the loaded library by {@code JnaBinding.load}. */\n")
                .append("    static final class LibPython {\n")
                .append("        private LibPython() {\n        }\n\n");
        Set<String> natives = new HashSet<>();
        for (CFunctionSpec f : functions) {
            if (!natives.add(f.symbol())) continue;
            s.append("        static native ").append(f.result().java).append(' ').append(f.symbol()).append('(')
                    .append(f.parameterList()).append(");\n");
        }
        s.append("    }\n}\n");
        return s.toString();
    }
}
