package dev.serpentine.ffi.view;

import dev.serpentine.ffi.SerpentineException;

/** A checked view entry was given an object of another type (or NULL). */
public class WrongTypeException extends SerpentineException {
    private static final long serialVersionUID = 1L;

    public WrongTypeException(String expected, String found) {
        super("expected a Python " + expected + " object but got " + found);
    }
}
