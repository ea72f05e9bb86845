package io.sentimentstreams.trainer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast trainer's two matrix products over {@code jdk.incubator.vector}, register-tiled: 4 rows by 4
 * vectors of accumulators (16 of AVX-512's 32 registers) so each weight vector loaded feeds four FMAs.
 * The plain loops in {@link BiLstmPass} (one row times one weight row at a time) reload and store the
 * output row for every input element and ran at a third of this speed (BENCHMARKS.md "Training").
 * Only {@link BiLstmPass} calls in here, and only when {@code VectorSupport.available()}.
 */
final class TrainKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private TrainKernels() {
    }

    /** Whether {@code cols} suits these kernels (whole vectors). */
    static boolean fits(final int cols) {
        return cols % L == 0;
    }

    /**
     * c[i][*] += sum_k a[i][k] * b[k][*] for i < rows: a is [rows][inner] at aOff, b is [inner][cols] at
     * bOff, c is [rows][cols] at cOff; cols a multiple of the vector length.
     */
    static void mulAdd(final float[] a, final int aOff, final int rows, final int inner, final float[] b,
                       final int bOff, final int cols, final float[] c, final int cOff) {
        // Output row i reads a[i][k] at aOff + i*inner + k: rows are inner apart, a step moves one element.
        product(a, aOff, rows, inner, 1, inner, b, bOff, cols, c, cOff);
    }

    /**
     * c[k][*] += sum_i a[i][k] * b[i][*] (c += aᵀ·b): a is [rows][inner] at aOff, b is [rows][cols] at
     * bOff, c is [inner][cols] at cOff; cols a multiple of the vector length. The accumulators stay in
     * registers for the whole pass over the rows, which is long here (every step of every review).
     */
    static void transMulAdd(final float[] a, final int aOff, final int rows, final int inner, final float[] b,
                            final int bOff, final int cols, final float[] c, final int cOff) {
        // Output row k reads a[i][k] at aOff + i*inner + k: rows are adjacent, a step moves one row of a.
        product(a, aOff, inner, 1, inner, rows, b, bOff, cols, c, cOff);
    }

    /**
     * c[o][*] += sum_{s < steps} a[aOff + o*aLane + s*aStep] * b[bOff + s*cols][*] for o < outputs, in
     * tiles of four output rows by four vectors, then the leftovers.
     */
    private static void product(final float[] a, final int aOff, final int outputs, final int aLane, final int aStep,
                                final int steps, final float[] b, final int bOff, final int cols, final float[] c,
                                final int cOff) {
        for (int col = 0; col < cols; col += L) {
            final boolean wide = col + 4 * L <= cols;
            int o = 0;
            for (; o + 4 <= outputs; o += 4) {
                final int c0 = cOff + o * cols + col;
                if (wide) {
                    tile4x4(a, aOff + o * aLane, aLane, aStep, b, bOff + col, cols, steps, c, c0);
                } else {
                    tile4x1(a, aOff + o * aLane, aLane, aStep, b, bOff + col, cols, steps, c, c0);
                }
            }
            for (; o < outputs; o++) {
                for (int v = 0; v < (wide ? 4 : 1); v++) {
                    tile1(a, aOff + o * aLane, aStep, b, bOff + col + v * L, cols, steps, c,
                            cOff + o * cols + col + v * L);
                }
            }
            col += wide ? 3 * L : 0;
        }
    }

    /**
     * Four output rows by four vectors: row r of the tile accumulates, over {@code steps} steps s,
     * a[a0 + r*aLane + s*aStep] times the 4-vector strip of b at b0 + s*cols; b's rows and c's rows are both
     * {@code cols} wide.
     */
    private static void tile4x4(final float[] a, final int a0, final int aLane, final int aStep, final float[] b,
                                final int b0, final int cols, final int steps, final float[] c, final int c0) {
        final int c1 = c0 + cols;
        final int c2 = c1 + cols;
        final int c3 = c2 + cols;
        FloatVector s00 = FloatVector.fromArray(S, c, c0);
        FloatVector s01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector s02 = FloatVector.fromArray(S, c, c0 + 2 * L);
        FloatVector s03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector s10 = FloatVector.fromArray(S, c, c1);
        FloatVector s11 = FloatVector.fromArray(S, c, c1 + L);
        FloatVector s12 = FloatVector.fromArray(S, c, c1 + 2 * L);
        FloatVector s13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector s20 = FloatVector.fromArray(S, c, c2);
        FloatVector s21 = FloatVector.fromArray(S, c, c2 + L);
        FloatVector s22 = FloatVector.fromArray(S, c, c2 + 2 * L);
        FloatVector s23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector s30 = FloatVector.fromArray(S, c, c3);
        FloatVector s31 = FloatVector.fromArray(S, c, c3 + L);
        FloatVector s32 = FloatVector.fromArray(S, c, c3 + 2 * L);
        FloatVector s33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        for (int s = 0, ai = a0, bi = b0; s < steps; s++, ai += aStep, bi += cols) {
            final FloatVector w0 = FloatVector.fromArray(S, b, bi);
            final FloatVector w1 = FloatVector.fromArray(S, b, bi + L);
            final FloatVector w2 = FloatVector.fromArray(S, b, bi + 2 * L);
            final FloatVector w3 = FloatVector.fromArray(S, b, bi + 3 * L);
            final FloatVector x0 = FloatVector.broadcast(S, a[ai]);
            s00 = w0.fma(x0, s00);
            s01 = w1.fma(x0, s01);
            s02 = w2.fma(x0, s02);
            s03 = w3.fma(x0, s03);
            final FloatVector x1 = FloatVector.broadcast(S, a[ai + aLane]);
            s10 = w0.fma(x1, s10);
            s11 = w1.fma(x1, s11);
            s12 = w2.fma(x1, s12);
            s13 = w3.fma(x1, s13);
            final FloatVector x2 = FloatVector.broadcast(S, a[ai + 2 * aLane]);
            s20 = w0.fma(x2, s20);
            s21 = w1.fma(x2, s21);
            s22 = w2.fma(x2, s22);
            s23 = w3.fma(x2, s23);
            final FloatVector x3 = FloatVector.broadcast(S, a[ai + 3 * aLane]);
            s30 = w0.fma(x3, s30);
            s31 = w1.fma(x3, s31);
            s32 = w2.fma(x3, s32);
            s33 = w3.fma(x3, s33);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + L);
        s02.intoArray(c, c0 + 2 * L);
        s03.intoArray(c, c0 + 3 * L);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + L);
        s12.intoArray(c, c1 + 2 * L);
        s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + L);
        s22.intoArray(c, c2 + 2 * L);
        s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + L);
        s32.intoArray(c, c3 + 2 * L);
        s33.intoArray(c, c3 + 3 * L);
    }

    /** As {@link #tile4x4} with one vector per row (the last vector of a width that is not a multiple of 4). */
    private static void tile4x1(final float[] a, final int a0, final int aLane, final int aStep, final float[] b,
                                final int b0, final int cols, final int steps, final float[] c, final int c0) {
        FloatVector s0 = FloatVector.fromArray(S, c, c0);
        FloatVector s1 = FloatVector.fromArray(S, c, c0 + cols);
        FloatVector s2 = FloatVector.fromArray(S, c, c0 + 2 * cols);
        FloatVector s3 = FloatVector.fromArray(S, c, c0 + 3 * cols);
        for (int s = 0, ai = a0, bi = b0; s < steps; s++, ai += aStep, bi += cols) {
            final FloatVector w = FloatVector.fromArray(S, b, bi);
            s0 = w.fma(FloatVector.broadcast(S, a[ai]), s0);
            s1 = w.fma(FloatVector.broadcast(S, a[ai + aLane]), s1);
            s2 = w.fma(FloatVector.broadcast(S, a[ai + 2 * aLane]), s2);
            s3 = w.fma(FloatVector.broadcast(S, a[ai + 3 * aLane]), s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + cols);
        s2.intoArray(c, c0 + 2 * cols);
        s3.intoArray(c, c0 + 3 * cols);
    }

    /** One output row, one vector: the leftover rows of a product. */
    private static void tile1(final float[] a, final int a0, final int aStep, final float[] b, final int b0,
                              final int cols, final int steps, final float[] c, final int c0) {
        FloatVector s0 = FloatVector.fromArray(S, c, c0);
        for (int s = 0, ai = a0, bi = b0; s < steps; s++, ai += aStep, bi += cols) {
            s0 = FloatVector.fromArray(S, b, bi).fma(FloatVector.broadcast(S, a[ai]), s0);
        }
        s0.intoArray(c, c0);
    }
}
