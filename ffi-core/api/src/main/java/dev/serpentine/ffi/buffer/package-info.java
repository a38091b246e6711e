/**
 * The buffer protocol over {@code Py_buffer}: acquire and release ({@link dev.serpentine.ffi.buffer.BufferProtocol}),
 * and, written in Java, contiguity checks, element pointers (strides, negative strides, suboffsets), copies to and
 * from contiguous memory in C or Fortran order, iteration over elements in logical order without a copy, and
 * {@code ByteBuffer}/{@code MemorySegment} windows on contiguous buffers. They agree byte for byte with CPython's
 * {@code PyBuffer_*} functions, and turn wrong lengths, bad order letters and read-only targets into exceptions.
 *
 * <p>Platform-internal: exported only to Serpentine's own modules and bundles.
 */
@Version("0.1.0")
package dev.serpentine.ffi.buffer;

import org.osgi.annotation.versioning.Version;
