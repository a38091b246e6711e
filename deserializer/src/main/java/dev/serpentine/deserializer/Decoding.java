package dev.serpentine.deserializer;

import dev.serpentine.bridge.spi.CodecPlatform;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.NativeMemory;
import dev.serpentine.ffi.view.CPythonViews;
import dev.serpentine.ffi.view.PyListView;
import dev.serpentine.ffi.view.PyStrView;
import dev.serpentine.ffi.view.PyTypes;

/**
 * What every parse in this process shares: the binding, the views, the singletons, the small ints and the key cache.
 * Made once per runtime (CPython is initialized once per process, so none of the addresses change).
 */
final class Decoding {

    static final int SMALL_MIN = -5;
    static final int SMALL_MAX = 256;

    final CodecPlatform platform;
    final CPythonBinding py;
    final NativeMemory mem;
    final CPythonViews views;
    final PyStrView str;
    final PyListView list;
    final PyTypes types;
    final long none;
    final long trueObject;
    final long falseObject;
    final long decodeError;
    final long valueError;
    /** CPython's own small ints (-5…256), held for the life of the process: stored borrowed, with no call. */
    final long[] smallInts = new long[SMALL_MAX - SMALL_MIN + 1];
    final KeyCache keys;

    Decoding(CodecPlatform platform) {
        this.platform = platform;
        this.py = platform.binding();
        this.mem = py.memory();
        this.views = platform.views();
        this.str = views.str();
        this.list = views.list();
        this.types = views.types();
        this.none = types.none;
        this.trueObject = types.trueObject;
        this.falseObject = types.falseObject;
        this.decodeError = platform.types().jsonDecodeError;
        this.valueError = mem.getLong(py.symbol("PyExc_ValueError"));
        for (int i = 0; i < smallInts.length; i++) {
            long v = py.PyLong_FromLongLong(SMALL_MIN + i);
            if (v == 0) throw new OutOfMemoryError("PyLong_FromLongLong");
            smallInts[i] = v;
        }
        this.keys = new KeyCache(py);
    }
}
