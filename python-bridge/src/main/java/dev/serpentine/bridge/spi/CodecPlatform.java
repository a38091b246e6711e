package dev.serpentine.bridge.spi;

import dev.serpentine.bridge.PyRef;
import dev.serpentine.bridge.Python;
import dev.serpentine.bridge.PythonRuntime;
import dev.serpentine.bridge.internal.BridgePlatform;
import dev.serpentine.bridge.json.JsonDecoder;
import dev.serpentine.bridge.json.JsonEncoder;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.view.CPythonViews;
import org.osgi.annotation.versioning.ProviderType;

import java.util.List;

/**
 * What a codec bundle reaches of the running interpreter. Nothing here binds or verifies anything: the binding and
 * the views are the ones the bridge bound and verified at start-up (or after an ABI bundle swap).
 *
 * <p>The raw methods ({@link #raise}, {@link #fetchError}, …) need the GIL: call them from a function body or a
 * codec method, which run with it.
 */
@ProviderType
public interface CodecPlatform {

    /** The platform of {@code runtime} (the {@code PythonRuntime} service a codec component references). */
    static CodecPlatform of(PythonRuntime runtime) {
        return BridgePlatform.of(runtime);
    }

    /**
     * The platform of the runtime running in this process (for a codec that {@link java.util.ServiceLoader} made,
     * which has no runtime handed to it).
     *
     * @throws dev.serpentine.ffi.InterpreterUnavailableException when no runtime runs
     */
    static CodecPlatform active() {
        return BridgePlatform.active();
    }

    /** The C-API binding of the loaded libpython. */
    CPythonBinding binding();

    /** The verified views of the ABI bundle bound now. Read once per call and keep for that call only. */
    CPythonViews views();

    /** The type addresses; the first call imports {@code datetime}, {@code uuid}, {@code enum}, {@code collections}. */
    PlatformTypes types();

    // --- Python functions in the serpentine module --------------------------------------------------------------

    /** Parameters for {@link #addFunction(Parameters, String, FastcallFunction)} (names: ASCII identifiers). */
    Parameters parameters(String name, List<String> positionalOnly, List<String> others, int required);

    /**
     * Adds {@code serpentine.<name>} ({@code METH_FASTCALL | METH_KEYWORDS}, {@code __module__ == "serpentine"},
     * {@code __text_signature__} from the parameters, {@code __doc__} = {@code doc}). A function already registered
     * under that name with the same signature keeps its function object and gets this body: callers holding it call
     * the new body, and a replacement never fails a call.
     */
    Registration addFunction(Parameters parameters, String doc, FastcallFunction body);

    /** Adds {@code serpentine.<name>(<parameter>, /)} ({@code METH_O}); replaced in place like the fastcall kind. */
    Registration addFunction(String name, String parameter, String doc, OneArgFunction body);

    /** A handle owning {@code newReference} (stolen; not 0), for a codec's Java entry points ({@code python}'s task). */
    PyRef adopt(Python python, long newReference);

    // --- raising Python exceptions (GIL held) ------------------------------------------------------------------

    /** Raises {@code type(message)}; returns 0, the C function's error result. */
    long raise(long type, String message);

    /**
     * Raises {@code type(message)} with {@code __cause__} = {@code cause} (a new reference, stolen — e.g. from
     * {@link #fetchError}); returns 0.
     */
    long raise(long type, String message, long cause);

    /** Raises {@code serpentine.JSONDecodeError(message, document, position)} ({@code document} borrowed); returns 0. */
    long raiseDecodeError(String message, long document, long position);

    /** Raises the Python exception matching a Java one (as a function body's throw is); returns 0. */
    long raise(Throwable t);

    /**
     * Takes the pending Python exception: a new reference to the exception object (normalized, its
     * {@code __traceback__} set), with the error indicator cleared; 0 when none is pending.
     */
    long fetchError();

    // --- codecs outside OSGi ----------------------------------------------------------------------------------

    /** Makes {@code encoder} the one in use (what DS does in OSGi); closing the registration removes it again. */
    Registration installEncoder(JsonEncoder encoder);

    /** Makes {@code decoder} the one in use; closing the registration removes it again. */
    Registration installDecoder(JsonDecoder decoder);
}
