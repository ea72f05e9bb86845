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
        int col = 0;
        for (; col + 4 * L <= cols; col += 4 * L) {
            int i = 0;
            for (; i + 4 <= rows; i += 4) {
                tile4x4(a, aOff + i * inner, inner, b, bOff + col, cols, c, cOff + i * cols + col);
            }
            for (; i < rows; i++) {
                for (int v = 0; v < 4; v++) {
                    row1(a, aOff + i * inner, inner, b, bOff + col + v * L, cols, c, cOff + i * cols + col + v * L);
                }
            }
        }
        for (; col < cols; col += L) {
            int i = 0;
            for (; i + 4 <= rows; i += 4) {
                tile4x1(a, aOff + i * inner, inner, b, bOff + col, cols, c, cOff + i * cols + col);
            }
            for (; i < rows; i++) {
                row1(a, aOff + i * inner, inner, b, bOff + col, cols, c, cOff + i * cols + col);
            }
        }
    }

    private static void tile4x4(final float[] a, final int a0, final int inner, final float[] b, final int b0,
                                final int cols, final float[] c, final int c0) {
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
        final int a1 = a0 + inner;
        final int a2 = a1 + inner;
        final int a3 = a2 + inner;
        for (int k = 0, bk = b0; k < inner; k++, bk += cols) {
            final FloatVector w0 = FloatVector.fromArray(S, b, bk);
            final FloatVector w1 = FloatVector.fromArray(S, b, bk + L);
            final FloatVector w2 = FloatVector.fromArray(S, b, bk + 2 * L);
            final FloatVector w3 = FloatVector.fromArray(S, b, bk + 3 * L);
            final FloatVector x0 = FloatVector.broadcast(S, a[a0 + k]);
            s00 = w0.fma(x0, s00);
            s01 = w1.fma(x0, s01);
            s02 = w2.fma(x0, s02);
            s03 = w3.fma(x0, s03);
            final FloatVector x1 = FloatVector.broadcast(S, a[a1 + k]);
            s10 = w0.fma(x1, s10);
            s11 = w1.fma(x1, s11);
            s12 = w2.fma(x1, s12);
            s13 = w3.fma(x1, s13);
            final FloatVector x2 = FloatVector.broadcast(S, a[a2 + k]);
            s20 = w0.fma(x2, s20);
            s21 = w1.fma(x2, s21);
            s22 = w2.fma(x2, s22);
            s23 = w3.fma(x2, s23);
            final FloatVector x3 = FloatVector.broadcast(S, a[a3 + k]);
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

    private static void tile4x1(final float[] a, final int a0, final int inner, final float[] b, final int b0,
                                final int cols, final float[] c, final int c0) {
        FloatVector s0 = FloatVector.fromArray(S, c, c0);
        FloatVector s1 = FloatVector.fromArray(S, c, c0 + cols);
        FloatVector s2 = FloatVector.fromArray(S, c, c0 + 2 * cols);
        FloatVector s3 = FloatVector.fromArray(S, c, c0 + 3 * cols);
        for (int k = 0, bk = b0; k < inner; k++, bk += cols) {
            final FloatVector w = FloatVector.fromArray(S, b, bk);
            s0 = w.fma(FloatVector.broadcast(S, a[a0 + k]), s0);
            s1 = w.fma(FloatVector.broadcast(S, a[a0 + inner + k]), s1);
            s2 = w.fma(FloatVector.broadcast(S, a[a0 + 2 * inner + k]), s2);
            s3 = w.fma(FloatVector.broadcast(S, a[a0 + 3 * inner + k]), s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + cols);
        s2.intoArray(c, c0 + 2 * cols);
        s3.intoArray(c, c0 + 3 * cols);
    }

    private static void row1(final float[] a, final int a0, final int inner, final float[] b, final int b0,
                             final int cols, final float[] c, final int c0) {
        FloatVector s = FloatVector.fromArray(S, c, c0);
        for (int k = 0, bk = b0; k < inner; k++, bk += cols) {
            s = FloatVector.fromArray(S, b, bk).fma(FloatVector.broadcast(S, a[a0 + k]), s);
        }
        s.intoArray(c, c0);
    }

    /**
     * c[k][*] += sum_i a[i][k] * b[i][*] (c += aᵀ·b): a is [rows][inner] at aOff, b is [rows][cols] at
     * bOff, c is [inner][cols] at cOff; cols a multiple of the vector length. The accumulators stay in
     * registers for the whole pass over the rows, which is long here (every step of every review).
     */
    static void transMulAdd(final float[] a, final int aOff, final int rows, final int inner, final float[] b,
                            final int bOff, final int cols, final float[] c, final int cOff) {
        for (int col = 0; col < cols; col += L) {
            final int width = col + 4 * L <= cols ? 4 : 1;
            int k = 0;
            for (; k + 4 <= inner; k += 4) {
                if (width == 4) {
                    transTile4x4(a, aOff, rows, inner, k, b, bOff + col, cols, c, cOff + k * cols + col);
                } else {
                    for (int kk = k; kk < k + 4; kk++) {
                        transRow1(a, aOff, rows, inner, kk, b, bOff + col, cols, c, cOff + kk * cols + col);
                    }
                }
            }
            for (; k < inner; k++) {
                for (int v = 0; v < width; v++) {
                    transRow1(a, aOff, rows, inner, k, b, bOff + col + v * L, cols, c, cOff + k * cols + col + v * L);
                }
            }
            col += (width - 1) * L;
        }
    }

    private static void transTile4x4(final float[] a, final int aOff, final int rows, final int inner, final int k,
                                     final float[] b, final int b0, final int cols, final float[] c, final int c0) {
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
        for (int i = 0, ai = aOff + k, bi = b0; i < rows; i++, ai += inner, bi += cols) {
            final FloatVector w0 = FloatVector.fromArray(S, b, bi);
            final FloatVector w1 = FloatVector.fromArray(S, b, bi + L);
            final FloatVector w2 = FloatVector.fromArray(S, b, bi + 2 * L);
            final FloatVector w3 = FloatVector.fromArray(S, b, bi + 3 * L);
            final FloatVector x0 = FloatVector.broadcast(S, a[ai]);
            s00 = w0.fma(x0, s00);
            s01 = w1.fma(x0, s01);
            s02 = w2.fma(x0, s02);
            s03 = w3.fma(x0, s03);
            final FloatVector x1 = FloatVector.broadcast(S, a[ai + 1]);
            s10 = w0.fma(x1, s10);
            s11 = w1.fma(x1, s11);
            s12 = w2.fma(x1, s12);
            s13 = w3.fma(x1, s13);
            final FloatVector x2 = FloatVector.broadcast(S, a[ai + 2]);
            s20 = w0.fma(x2, s20);
            s21 = w1.fma(x2, s21);
            s22 = w2.fma(x2, s22);
            s23 = w3.fma(x2, s23);
            final FloatVector x3 = FloatVector.broadcast(S, a[ai + 3]);
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

    private static void transRow1(final float[] a, final int aOff, final int rows, final int inner, final int k,
                                  final float[] b, final int b0, final int cols, final float[] c, final int c0) {
        FloatVector s = FloatVector.fromArray(S, c, c0);
        for (int i = 0, ai = aOff + k, bi = b0; i < rows; i++, ai += inner, bi += cols) {
            s = FloatVector.fromArray(S, b, bi).fma(FloatVector.broadcast(S, a[ai]), s);
        }
        s.intoArray(c, c0);
    }
}
