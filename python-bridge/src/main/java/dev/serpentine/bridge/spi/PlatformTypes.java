package dev.serpentine.bridge.spi;

import dev.serpentine.ffi.view.PyTypes;

/**
 * Type addresses for exact-type dispatch ({@code ob_type == address}), looked up once per runtime: the builtin types
 * and singletons, the standard-library types a JSON codec meets, and the {@code serpentine} module's exception. The
 * platform holds a reference to each object, so the addresses stay valid for the life of the process.
 */
public final class PlatformTypes {

    /** {@code int}, {@code str}, {@code list}, {@code dict}, …, {@code None}, {@code True}, {@code False}. */
    public final PyTypes builtin;
    /** {@code datetime.datetime}, {@code datetime.date}, {@code datetime.time}, {@code datetime.timezone}. */
    public final long datetime;
    public final long date;
    public final long time;
    public final long timezone;
    /** {@code uuid.UUID}. */
    public final long uuid;
    /** {@code enum.EnumMeta}, the metaclass of every {@code Enum} (a type whose {@code ob_type} is this is an enum). */
    public final long enumMeta;
    /** {@code collections.OrderedDict}. */
    public final long orderedDict;
    /**
     * {@code serpentine.Fragment}: one class for the life of the process, owned by the bridge (not by a codec
     * release), so a Fragment made before a serializer swap is still one after it.
     */
    public final long fragment;
    /** {@code serpentine.JSONDecodeError}, a subclass of {@code json.JSONDecodeError}. */
    public final long jsonDecodeError;
    /** {@code serpentine.JSONEncodeError}: the {@code TypeError} type object itself, as in orjson. */
    public final long jsonEncodeError;

    public PlatformTypes(PyTypes builtin, long datetime, long date, long time, long timezone, long uuid, long enumMeta,
                         long orderedDict, long fragment, long jsonDecodeError, long jsonEncodeError) {
        this.builtin = builtin;
        this.datetime = datetime;
        this.date = date;
        this.time = time;
        this.timezone = timezone;
        this.uuid = uuid;
        this.enumMeta = enumMeta;
        this.orderedDict = orderedDict;
        this.fragment = fragment;
        this.jsonDecodeError = jsonDecodeError;
        this.jsonEncodeError = jsonEncodeError;
    }
}
