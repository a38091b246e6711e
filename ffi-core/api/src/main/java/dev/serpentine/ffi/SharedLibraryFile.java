package dev.serpentine.ffi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The checks a shared library must pass before {@code dlopen}: ld.so maps an ELF file's segments by the sizes its
 * headers declare, so a truncated file (an interrupted copy or unpack) is touched past its end and the process dies
 * of SIGBUS inside the loader — no error comes back. Every header and every loaded segment must lie within the file.
 */
final class SharedLibraryFile {

    private static final int EHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SHDR_SIZE = 64;
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final long MAX_HEADERS = 1 << 20;

    private SharedLibraryFile() {
    }

    /** @throws InterpreterUnavailableException naming what lies beyond the end of {@code file} */
    static void requireComplete(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer ehdr = read(ch, 0, EHDR_SIZE, size, file, "the ELF header");
            if (ehdr.getInt(0) != 0x464c457f) throw refused(file, "it is not an ELF file");
            if (ehdr.get(4) != 2 || ehdr.get(5) != 1) throw refused(file, "it is not a 64-bit little-endian ELF file");
            long phoff = ehdr.getLong(0x20);
            long shoff = ehdr.getLong(0x28);
            int phentsize = Short.toUnsignedInt(ehdr.getShort(0x36));
            int phnum = Short.toUnsignedInt(ehdr.getShort(0x38));
            int shentsize = Short.toUnsignedInt(ehdr.getShort(0x3a));
            int shnum = Short.toUnsignedInt(ehdr.getShort(0x3c));
            if (phnum == 0 || phentsize < PHDR_SIZE) throw refused(file, "it has no program headers");
            ByteBuffer phdrs = read(ch, phoff, (long) phnum * phentsize, size, file, "its program headers");
            if (shoff != 0 && shnum != 0) {
                if (shentsize < SHDR_SIZE) throw refused(file, "its section header size " + shentsize + " is invalid");
                requireWithin(shoff, (long) shnum * shentsize, size, file, "its section headers");
            }
            for (int i = 0; i < phnum; i++) {
                int base = i * phentsize;
                int type = phdrs.getInt(base);
                long offset = phdrs.getLong(base + 0x08);
                long filesz = phdrs.getLong(base + 0x20);
                if (type == PT_LOAD || type == PT_DYNAMIC) {
                    requireWithin(offset, filesz, size, file, (type == PT_LOAD ? "loadable segment " : "dynamic segment ") + i);
                }
            }
        } catch (IOException e) {
            throw new InterpreterUnavailableException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer read(FileChannel ch, long offset, long length, long size, Path file, String what)
            throws IOException {
        requireWithin(offset, length, size, file, what);
        if (length > MAX_HEADERS) throw refused(file, what + " take " + length + " bytes, more than any library has");
        ByteBuffer b = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) throw refused(file, what + " cannot be read");
        }
        return b;
    }

    private static void requireWithin(long offset, long length, long size, Path file, String what) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw refused(file, what + " (bytes " + Long.toUnsignedString(offset) + " + " + Long.toUnsignedString(length)
                    + ") extend beyond its end at " + size + " bytes — truncated?");
        }
    }

    private static InterpreterUnavailableException refused(Path file, String why) {
        return new InterpreterUnavailableException("refusing to load " + file + ": " + why);
    }
}
