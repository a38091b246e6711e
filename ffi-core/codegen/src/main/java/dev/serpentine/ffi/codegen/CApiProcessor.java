package dev.serpentine.ffi.codegen;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a backend's C-function code from the {@code @CFunction} methods of {@code CPythonBinding}, read through
 * {@code javax.lang.model} from the compiled API. The backend module names itself with {@code -Aserpentine.capi=ffm}
 * or {@code =jna}; without the option the processor does nothing. Output: {@code dev.serpentine.ffi.ffm.FfmCApi} or
 * {@code dev.serpentine.ffi.jna.JnaCApi}, an abstract class implementing every C function, which the hand-written
 * binding extends.
 */
@SupportedAnnotationTypes("*")
@SupportedOptions(CApiProcessor.OPTION)
public final class CApiProcessor extends AbstractProcessor {

    static final String OPTION = "serpentine.capi";
    static final String BINDING = "dev.serpentine.ffi.binding.CPythonBinding";
    static final String C_FUNCTION = "dev.serpentine.ffi.binding.CFunction";
    static final String RANGE = C_FUNCTION + ".Range";

    private boolean done;

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        String backend = processingEnv.getOptions().get(OPTION);
        if (done || backend == null) return false;
        done = true;
        TypeElement binding = processingEnv.getElementUtils().getTypeElement(BINDING);
        if (binding == null) {
            error(null, BINDING + " is not on the class path of this compilation");
            return false;
        }
        List<CFunctionSpec> functions = read(binding);
        if (functions == null) return false;
        Backend target = switch (backend) {
            case "ffm" -> new FfmBackend();
            case "jna" -> new JnaBackend();
            default -> null;
        };
        if (target == null) {
            error(null, "-A" + OPTION + "=" + backend + ": expected ffm or jna");
            return false;
        }
        try (Writer w = processingEnv.getFiler().createSourceFile(target.className()).openWriter()) {
            w.write(target.source(functions));
        } catch (IOException e) {
            error(null, "cannot write " + target.className() + ": " + e.getMessage());
        }
        return false;
    }

    /** The {@code @CFunction} methods in declaration order, or null after reporting an error. */
    private List<CFunctionSpec> read(TypeElement binding) {
        List<CFunctionSpec> functions = new ArrayList<>();
        boolean ok = true;
        for (Element e : binding.getEnclosedElements()) {
            if (e.getKind() != ElementKind.METHOD) continue;
            AnnotationMirror cf = mirror(e, C_FUNCTION);
            if (cf == null) continue;
            ExecutableElement m = (ExecutableElement) e;
            if (!m.getModifiers().contains(Modifier.ABSTRACT)) {
                error(m, "@CFunction " + m.getSimpleName() + " must be abstract");
                ok = false;
                continue;
            }
            CType result = CType.of(m.getReturnType(), true);
            List<CFunctionSpec.Param> params = new ArrayList<>();
            for (VariableElement p : m.getParameters()) {
                CType type = CType.of(p.asType(), false);
                if (type == null) {
                    error(m, "@CFunction " + m.getSimpleName() + ": parameter type " + p.asType()
                            + " cannot be generated; declare it without @CFunction and write it by hand");
                    ok = false;
                }
                AnnotationMirror range = mirror(p, RANGE);
                long min = range == null ? Long.MIN_VALUE : longValue(range, "min", Long.MIN_VALUE);
                long max = range == null ? Long.MAX_VALUE : longValue(range, "max", Long.MAX_VALUE);
                params.add(new CFunctionSpec.Param(p.getSimpleName().toString(), type, min, max));
            }
            if (result == null) {
                error(m, "@CFunction " + m.getSimpleName() + ": result type " + m.getReturnType()
                        + " cannot be generated; declare it without @CFunction and write it by hand");
                ok = false;
            }
            boolean critical = Boolean.TRUE.equals(value(cf, "critical"));
            String name = m.getSimpleName().toString();
            Object symbol = value(cf, "symbol");
            functions.add(new CFunctionSpec(name, symbol == null || symbol.toString().isEmpty() ? name : symbol.toString(),
                    result, params, critical));
        }
        if (functions.isEmpty()) {
            error(binding, BINDING + " declares no @CFunction method (compiled from an older API?)");
            ok = false;
        }
        return ok ? functions : null;
    }

    private static AnnotationMirror mirror(Element e, String type) {
        for (AnnotationMirror a : e.getAnnotationMirrors()) {
            if (((TypeElement) a.getAnnotationType().asElement()).getQualifiedName().contentEquals(type)) return a;
        }
        return null;
    }

    private static Object value(AnnotationMirror a, String name) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> v : a.getElementValues().entrySet()) {
            if (v.getKey().getSimpleName().contentEquals(name)) return v.getValue().getValue();
        }
        return null;
    }

    private static long longValue(AnnotationMirror a, String name, long otherwise) {
        Object v = value(a, name);
        return v == null ? otherwise : ((Number) v).longValue();
    }

    private void error(Element at, String message) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, at);
    }

    /** The Java types a generated C function may use, with the FFM layout of each. */
    enum CType {
        VOID("void", null), BYTE("byte", "JAVA_BYTE"), INT("int", "JAVA_INT"), LONG("long", "JAVA_LONG"),
        DOUBLE("double", "JAVA_DOUBLE");

        final String java;
        final String layout;

        CType(String java, String layout) {
            this.java = java;
            this.layout = layout;
        }

        static CType of(TypeMirror t, boolean result) {
            TypeKind k = t.getKind();
            return switch (k) {
                case VOID -> result ? VOID : null;
                case BYTE -> BYTE;
                case INT -> INT;
                case LONG -> LONG;
                case DOUBLE -> DOUBLE;
                default -> null;
            };
        }
    }
}
