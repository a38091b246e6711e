/**
 * Typed views of CPython objects, read straight from memory with no C-API call, through the layouts of the ABI
 * bundle bound to the running interpreter.
 *
 * <p>Every view works on raw object addresses. Its {@code checked} entry verifies the object's type (and returns
 * the address) — use it wherever an address comes from outside; its readers do not check, for hot paths that
 * already know the type. All reads need the GIL held and a reference to the object.
 *
 * <p>Every offset, size, flag bit and encoding a view reads comes from the bound
 * {@link dev.serpentine.ffi.abi.AbiLayout} (only {@code Py_buffer}, identical in every version, and the {@code Py_TPFLAGS_*}/memoryview flag values of the
 * stable headers are constants here). Hot readers read a header word once: {@link PyLongView#header} and
 * {@link PyStrView#state} return it, and the methods taking it read nothing else of the header.
 * {@link PyListView#setFreshItem} / {@link PyTupleView#setFreshItem} fill a container just made by
 * {@code PyList_New}/{@code PyTuple_New} without a call per item.
 *
 * <p>Platform-internal: exported only to Serpentine's own modules and bundles.
 */
@Version("0.2.0")
package dev.serpentine.ffi.view;

import org.osgi.annotation.versioning.Version;
