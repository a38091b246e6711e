package dev.serpentine.ffi.tests;

import dev.serpentine.ffi.tests.BufferKit.Natives;
import dev.serpentine.ffi.view.PyBufferView;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import static dev.serpentine.ffi.tests.BufferKit.MEM;

/**
 * A hand-built {@code Py_buffer}: its geometry (seeded, random), then, per test, native memory laid out for it —
 * the data block (with gaps and padding, {@code buf} inside it for negative strides), or for an indirect buffer a
 * tree of pointer blocks and data blocks the suboffsets lead through — and the struct itself.
 */
final class BufferLayout {

    private static final long[] ITEMSIZES = {1, 2, 4, 8};
    private static final String[] FORMATS = {"B", "H", "I", "Q"};

    final String name;
    final long seed;
    final int ndim;
    final long itemsize;
    final long[] shape;
    final long[] strides;
    /** Null for a direct buffer. */
    final long[] suboffsets;
    final boolean stridesNull;
    final boolean shapeNull;
    final String format;
    final long len;
    /** Whether two index tuples may share an element (a zero stride), so a write of all elements is not a copy. */
    final boolean aliased;

    private BufferLayout(String kind, long seed, long itemsize, long[] shape, long[] strides, long[] suboffsets,
                         boolean stridesNull, boolean shapeNull, String format) {
        this.seed = seed;
        this.ndim = shape.length;
        this.itemsize = itemsize;
        this.shape = shape;
        this.strides = strides;
        this.suboffsets = suboffsets;
        this.stridesNull = stridesNull;
        this.shapeNull = shapeNull;
        this.format = format;
        long n = itemsize;
        boolean alias = false;
        for (int i = 0; i < shape.length; i++) {
            n *= shape[i];
            if (shape[i] > 1 && strides[i] == 0) alias = true;
        }
        this.len = n;
        this.aliased = alias;
        this.name = kind + " #" + seed + ": ndim " + ndim + ", itemsize " + itemsize + ", shape "
                + (shapeNull ? "NULL" : Arrays.toString(shape)) + ", strides "
                + (stridesNull ? "NULL" : Arrays.toString(strides))
                + (suboffsets == null ? "" : ", suboffsets " + Arrays.toString(suboffsets))
                + ", format " + format;
    }

    @Override
    public String toString() {
        return name;
    }

    /** A layout with its own geometry: the hand-picked cases. */
    static BufferLayout of(String kind, long itemsize, long[] shape, long[] strides, long[] suboffsets) {
        return new BufferLayout(kind, 0, itemsize, shape, strides, suboffsets, false, false, null);
    }

    /** Consecutive seeds give java.util.Random correlated first draws: mix them first. */
    private static Random random(long seed) {
        return new Random(new SplittableRandom(seed).nextLong());
    }

    private static long[] randomShape(Random r, int ndim, int zeroOneIn) {
        long[] shape = new long[ndim];
        for (int i = 0; i < ndim; i++) {
            int p = r.nextInt(zeroOneIn);
            shape[i] = p == 0 ? 0 : p <= 3 ? 1 : 2 + r.nextInt(4);
        }
        return shape;
    }

    /**
     * Strides for {@code dims} (fastest first) over slots of {@code slot} bytes: tight, with gaps (also odd ones
     * unless {@code aligned}), negative, zero (broadcast, when {@code broadcast}), and arbitrary ones for dimensions
     * of length 0 or 1, which CPython ignores for contiguity.
     */
    private static void randomStrides(Random r, List<Integer> dims, long[] shape, long[] strides, long slot,
                                      boolean gaps, boolean negative, boolean broadcast, boolean aligned) {
        long acc = slot;
        for (int d : dims) {
            long stride = acc;
            if (gaps && r.nextInt(3) == 0) {
                stride = acc * (1 + r.nextInt(2)) + (aligned ? 8L * r.nextInt(3) : r.nextInt(7));
            }
            strides[d] = stride;
            acc = stride * Math.max(shape[d], 1);
            if (negative && r.nextInt(3) == 0) strides[d] = -stride;
            if (broadcast && shape[d] > 1 && r.nextInt(6) == 0) strides[d] = 0;
            if (!aligned && shape[d] <= 1 && r.nextInt(3) == 0) strides[d] = r.nextInt(101) - 50;
        }
    }

    /** A direct layout: ndim 0–4, C, Fortran or permuted order, gaps, negative and odd strides. */
    static BufferLayout direct(long seed) {
        Random r = random(seed);
        int ndim = r.nextInt(12) == 0 ? 0 : 1 + r.nextInt(4);
        int which = r.nextInt(4);
        long itemsize = ITEMSIZES[which];
        long[] shape = randomShape(r, ndim, 24);
        long[] strides = new long[ndim];
        int kind = r.nextInt(6);
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < ndim; i++) dims.add(i);
        String kindName;
        switch (kind) {
            case 0:
                Collections.reverse(dims);
                kindName = "C";
                break;
            case 1:
                kindName = "Fortran";
                break;
            case 2:
                Collections.shuffle(dims, r);
                kindName = "permuted";
                break;
            case 3:
                Collections.reverse(dims);
                kindName = "C with gaps";
                break;
            case 4:
                kindName = "Fortran with gaps";
                break;
            default:
                Collections.shuffle(dims, r);
                kindName = "mixed";
                break;
        }
        randomStrides(r, dims, shape, strides, itemsize, kind >= 3, kind >= 2, kind == 5, kind <= 1);
        boolean cStrides = Arrays.equals(strides, BufferKit.cStrides(shape, itemsize));
        boolean stridesNull = ndim == 0 || cStrides && r.nextBoolean();
        boolean shapeNull = ndim == 0 || ndim == 1 && stridesNull && r.nextBoolean();
        String format = r.nextInt(3) == 0 ? null : FORMATS[which];
        return new BufferLayout(kindName, seed, itemsize, shape, strides, null, stridesNull, shapeNull, format);
    }

    /** An indirect layout: ndim 1–4, suboffsets ≥ 0 in some dimensions (pointer arrays) and -1 in others. */
    static BufferLayout indirect(long seed) {
        Random r = random(seed);
        int ndim = 1 + r.nextInt(4);
        int which = r.nextInt(4);
        long itemsize = ITEMSIZES[which];
        long[] shape = randomShape(r, ndim, 40);
        long[] suboffsets = new long[ndim];
        boolean any = false;
        for (int i = 0; i < ndim; i++) {
            suboffsets[i] = r.nextInt(2) == 0 ? -1 : r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(40);
            any |= suboffsets[i] >= 0;
        }
        if (!any) suboffsets[r.nextInt(ndim)] = r.nextInt(3) * 8;
        long[] strides = new long[ndim];
        // each segment runs up to and including a dimension with a suboffset (its slots hold pointers)
        int a = 0;
        while (a < ndim) {
            int b = a;
            while (b < ndim - 1 && suboffsets[b] < 0) b++;
            boolean pointers = suboffsets[b] >= 0;
            List<Integer> dims = new ArrayList<>();
            for (int d = b; d >= a; d--) dims.add(d);
            if (r.nextInt(3) == 0) Collections.shuffle(dims, r);
            randomStrides(r, dims, shape, strides, pointers ? 8 : itemsize, true, true, !pointers, pointers);
            a = b + 1;
        }
        String format = r.nextInt(3) == 0 ? null : FORMATS[which];
        return new BufferLayout("indirect", seed, itemsize, shape, strides, suboffsets, false, false, format);
    }

    /** The native memory of one instance of the layout; freed with the {@link Natives} it was made from. */
    final class Instance {
        final long view;
        final List<long[]> regions = new ArrayList<>();
        private final Natives natives;
        private final Random random;

        Instance(Natives natives, boolean readonly) {
            this.natives = natives;
            this.random = new Random(seed * 31 + 7);
            long buf = suboffsets == null ? block(0, ndim - 1, itemsize) : build(0);
            view = natives.alloc(PyBufferView.SIZE);
            MEM.putLong(view + PyBufferView.BUF, buf);
            MEM.putLong(view + PyBufferView.OBJ, 0);
            MEM.putLong(view + PyBufferView.LEN, len);
            MEM.putLong(view + PyBufferView.ITEMSIZE, itemsize);
            MEM.putInt(view + PyBufferView.READONLY, readonly ? 1 : 0);
            MEM.putInt(view + PyBufferView.NDIM, shapeNull && ndim == 1 ? 1 : ndim);
            MEM.putLong(view + PyBufferView.FORMAT, format == null ? 0 : natives.cString(format));
            MEM.putLong(view + PyBufferView.SHAPE, shapeNull ? 0 : natives.longs(shape));
            MEM.putLong(view + PyBufferView.STRIDES, stridesNull ? 0 : natives.longs(strides));
            MEM.putLong(view + PyBufferView.SUBOFFSETS, suboffsets == null ? 0 : natives.longs(suboffsets));
            MEM.putLong(view + PyBufferView.INTERNAL, 0);
        }

        /**
         * A block for dimensions {@code a…b} (none when b &lt; a) with slots of {@code slot} bytes, filled with
         * random bytes; the address of its element (0, …, 0).
         */
        private long block(int a, int b, long slot) {
            long min = 0;
            long max = 0;
            boolean empty = false;
            for (int d = a; d <= b; d++) {
                long span = strides[d] * (shape[d] - 1);
                if (shape[d] == 0) empty = true;
                else if (span < 0) min += span;
                else max += span;
            }
            long pad = slot == 8 && suboffsets != null ? 8L * random.nextInt(3) : random.nextInt(17);
            long size = empty ? 16 : pad + (max - min) + slot + 16;
            long block = natives.alloc(size);
            byte[] noise = new byte[(int) size];
            random.nextBytes(noise);
            MEM.copyFromArray(noise, 0, block, noise.length);
            regions.add(new long[]{block, size});
            return empty ? block : block + pad - min;
        }

        /** The indirect tree for dimensions {@code a…}: the origin its strides start from. */
        private long build(int a) {
            if (a == ndim) return block(0, -1, itemsize);
            int b = a;
            while (b < ndim - 1 && suboffsets[b] < 0) b++;
            if (suboffsets[b] < 0) return block(a, b, itemsize);
            long origin = block(a, b, 8);
            int from = a;
            int to = b;
            long[] sub = Arrays.copyOfRange(shape, a, b + 1);
            BufferKit.forEachIndex(sub, 'C', idx -> {
                long slot = origin;
                for (int d = from; d <= to; d++) slot += strides[d] * idx[d - from];
                long child = build(to + 1);
                MEM.putLong(slot, child - suboffsets[to]);
            });
            return origin;
        }

        /** All the bytes of the instance's blocks. */
        byte[][] snapshot() {
            byte[][] s = new byte[regions.size()][];
            for (int i = 0; i < s.length; i++) s[i] = BufferKit.read(regions.get(i)[0], regions.get(i)[1]);
            return s;
        }

        void restore(byte[][] s) {
            for (int i = 0; i < s.length; i++) MEM.copyFromArray(s[i], 0, regions.get(i)[0], s[i].length);
        }
    }

    Instance allocate(Natives natives, boolean readonly) {
        return new Instance(natives, readonly);
    }
}
