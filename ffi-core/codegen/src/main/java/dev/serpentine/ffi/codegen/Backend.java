package dev.serpentine.ffi.codegen;

import java.util.List;

/** What one backend generates from the C functions. */
interface Backend {

    /** The qualified name of the generated class. */
    String className();

    /** The generated class's source. */
    String source(List<CFunctionSpec> functions);

    /** The header every generated file starts with. */
    static String banner(String pkg) {
        return "package " + pkg + ";\n\n"
                + "// GENERATED at build time by dev.serpentine.ffi.codegen.CApiProcessor from the @CFunction methods of\n"
                + "// dev.serpentine.ffi.binding.CPythonBinding: edit the interface, not this file.\n\n";
    }
}
