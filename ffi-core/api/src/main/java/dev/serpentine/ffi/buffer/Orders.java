package dev.serpentine.ffi.buffer;

/** Order letters: 'C' (last index fastest), 'F' (first index fastest), 'A' (either). */
final class Orders {

    private Orders() {
    }

    static IllegalArgumentException bad(char order) {
        return new IllegalArgumentException("order must be 'C', 'F' or 'A', not '" + order + "'");
    }

    /** 'C' or 'F' for an element walk ('A' walks in C order, as CPython copies). */
    static char walk(char order) {
        if (order == 'C' || order == 'A') return 'C';
        if (order == 'F') return 'F';
        throw bad(order);
    }
}
