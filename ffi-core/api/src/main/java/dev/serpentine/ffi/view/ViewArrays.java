package dev.serpentine.ffi.view;

import dev.serpentine.ffi.binding.NativeMemory;

final class ViewArrays {

    private ViewArrays() {
    }

    static byte[] copy(NativeMemory mem, long address, long size) {
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(size + " bytes do not fit in a Java array");
        }
        byte[] b = new byte[(int) size];
        if (size > 0) mem.copyToArray(address, b, 0, b.length);
        return b;
    }
}
