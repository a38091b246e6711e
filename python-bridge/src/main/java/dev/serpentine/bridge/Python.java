package dev.serpentine.bridge;

import org.osgi.annotation.versioning.ProviderType;

import java.util.List;
import java.util.Map;

/**
 * Holding the GIL: what Java can do with Python inside a {@link GilTask}. Valid only during that task and only on
 * its thread — every method checks, so a token kept past its scope fails instead of running Python without the GIL.
 *
 * <p>Values convert both ways: {@code null} ↔ {@code None}, {@code Boolean} ↔ {@code bool}, {@code Long} (and the
 * smaller integers, {@code BigInteger}) ↔ {@code int} ({@code Long} when it fits, else {@code BigInteger}),
 * {@code Double}/{@code Float} ↔ {@code float}, {@code String} ↔ {@code str} (lone surrogates included),
 * {@code byte[]} ↔ {@code bytes}; a {@link PyRef} passes through as itself.
 *
 * <p>A Python exception becomes a {@link dev.serpentine.ffi.PythonException} with type, message and traceback.
 */
@ProviderType
public interface Python {

    /** Evaluates an expression in {@code __main__}'s namespace. */
    PyRef eval(String expression);

    /** Runs statements in {@code __main__}'s namespace. */
    void exec(String code);

    /** {@code import name} (dotted names give the submodule). */
    PyRef importModule(String name);

    /** {@code getattr(object, name)}. */
    PyRef getAttr(PyRef object, String name);

    /** {@code setattr(object, name, value)}, converting {@code value}. */
    void setAttr(PyRef object, String name, Object value);

    /** {@code callable(*args)}, converting the arguments. */
    PyRef call(PyRef callable, Object... args);

    /** {@code callable(*args, **kwargs)}, converting the arguments. */
    PyRef call(PyRef callable, List<?> args, Map<String, ?> kwargs);

    /** A new Python object for a simple Java value (see the class comment). */
    PyRef toPython(Object value);

    /**
     * The Java value of a simple Python object (see the class comment).
     *
     * @throws IllegalArgumentException for other types, naming the type
     */
    Object toJava(PyRef object);

    /** {@code str(object)}. */
    String str(PyRef object);

    /** {@code repr(object)}. */
    String repr(PyRef object);

    /** The qualified name of the object's type, e.g. {@code int} or {@code collections.OrderedDict}. */
    String typeName(PyRef object);

    /** A new handle on the same object (a second strong reference). */
    PyRef share(PyRef object);
}
