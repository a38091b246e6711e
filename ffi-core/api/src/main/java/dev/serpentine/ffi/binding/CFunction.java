package dev.serpentine.ffi.binding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of {@link CPythonBinding} as a call of the exported C function of the same name, with the same
 * parameters. The build generates both backends' code for it (ffi-core's codegen module): a {@code static final}
 * downcall handle and an {@code invokeExact} call on FFM, a direct-mapped {@code native} method on JNA. Parameters and
 * the result are {@code long} (pointers, {@code Py_ssize_t}), {@code int}, {@code byte} ({@code char}) or
 * {@code double}. Methods without this annotation are written by hand in each backend.
 *
 * <p>Kept at run time so that tests can check every declared function against the loaded libpython.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CFunction {

    /**
     * Call through FFM's {@code Linker.Option.critical(false)}: about 2.4 ns instead of 7, but the thread stays in
     * Java state, so no safepoint (no GC) can happen during the call and an upcall into Java would be fatal. Only for
     * leaf functions that never run Python code (no {@code __del__}, no cyclic GC, no {@code __index__}, no
     * exception created on a path the arguments can reach) and never block (no GIL, no lock). Write the reason next to
     * the declaration. JNA ignores it.
     */
    boolean critical() default false;

    /**
     * The C function called, when it is not the method's name: a twin of a declared function with a narrower
     * contract that its callers guarantee (a leaf call made {@link #critical()}), documented on the twin.
     */
    String symbol() default "";

    /**
     * An argument range both backends check before the call, throwing {@link IllegalArgumentException} outside it:
     * keeps arguments away from C error paths (which create exception objects, and on CPython 3.9–3.11 an allocation
     * may run the cyclic GC), so that a {@link #critical()} function stays a leaf for every argument.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    @interface Range {
        long min() default Long.MIN_VALUE;

        long max() default Long.MAX_VALUE;
    }
}
