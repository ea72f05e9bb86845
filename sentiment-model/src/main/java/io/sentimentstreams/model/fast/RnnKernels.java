package io.sentimentstreams.model.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loop of {@link FastRnnStack} over {@code jdk.incubator.vector}: a vector-matrix product added
 * into a gate row. Only {@link FastRnnStack} calls in here, after {@link VectorSupport#available()}.
 */
final class RnnKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private RnnKernels() {
    }

    /**
     * acc[accOff + c] += sum over k < n of x[xOff + k] * m[k * stride + col0 + c], for c < cols: one strip of
     * output columns at a time, accumulated in a register across every k.
     */
    static void addProduct(final float[] x, final int xOff, final int n, final float[] m, final int stride,
            final int col0, final int cols, final float[] acc, final int accOff) {
        final int bound = S.loopBound(cols);
        int c = 0;
        for (; c < bound; c += L) {
            FloatVector a = FloatVector.fromArray(S, acc, accOff + c);
            for (int k = 0, mi = col0 + c; k < n; k++, mi += stride) {
                a = FloatVector.fromArray(S, m, mi).fma(FloatVector.broadcast(S, x[xOff + k]), a);
            }
            a.intoArray(acc, accOff + c);
        }
        for (; c < cols; c++) {
            float a = acc[accOff + c];
            for (int k = 0, mi = col0 + c; k < n; k++, mi += stride) {
                a = Math.fma(m[mi], x[xOff + k], a);
            }
            acc[accOff + c] = a;
        }
    }
}
