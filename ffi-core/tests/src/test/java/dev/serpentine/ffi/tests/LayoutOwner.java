package dev.serpentine.ffi.tests;

/**
 * Owner of a generated {@code layout.properties}: {@link AbiSelectionTest} defines this class again in a class
 * loader that serves the generated text as the class's {@code layout.properties} resource. No dependencies.
 */
final class LayoutOwner {
    private LayoutOwner() {
    }
}
