package io.sentimentstreams.model.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast engine's inner loops over {@code jdk.incubator.vector}: the recurrent gate product for a block
 * of reviews, and the LSTM cell update with pooling. Only {@link FastBiLstm} calls in here, and only
 * after {@link VectorSupport#available()} said the module is present, so no other class links against
 * the incubator module.
 *
 * <p>Layout (see docs/engine.md): {@code hp} is the hidden size rounded up to whole vectors, a gate row
 * has {@code g = 4*hp} floats with DL4J's block order [block input, forget, output, input gate], each
 * block starting at a multiple of {@code hp}; padded lanes carry zero weights and so stay exactly zero.
 */
final class VectorKernels {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static final int POOL_NONE = 0;
    static final int POOL_MAX = 1;
    static final int POOL_SUM = 2;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2 = 0.69314718f;
    // exp's argument range: outside it a sigmoid is within 2.1e-9 of 0 or 1 and a tanh rounds to +-1 in
    // float; and three factors (1+e) multiply to at most e^60, far from float's 3.4e38 (cellRow needs that).
    private static final float EXP_LIMIT = 20f;
    // 1.5 * 2^23: adding it rounds a float to the nearest integer, readable from the low mantissa bits.
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = 0x4B400000;

    private VectorKernels() {
    }

    static int lanes() {
        return L;
    }

    /**
     * The recurrent weights {@code rw[k*g + j]} (k < hidden) repacked strip by strip, the layout
     * {@link #gates} reads: strip s holds columns [4Ls, 4L(s+1)) of every k, contiguous. In the row-major
     * layout consecutive k are g floats apart (1 KB at H=64), so a strip's 64 weight rows fell into a
     * quarter of the L1 sets and evicted each other.
     */
    static float[] packRecurrent(final float[] rw, final int hidden, final int g) {
        final int strip = 4 * L;
        final float[] packed = new float[hidden * g];
        int p = 0;
        for (int col = 0; col < g; col += strip) {
            for (int k = 0; k < hidden; k++) {
                System.arraycopy(rw, k * g + col, packed, p, strip);
                p += strip;
            }
        }
        return packed;
    }

    /**
     * {@code gates[r*g + j] = table[off[r] + j] + sum_{k<hidden} h[r*hp + k] * rw[k*g + j]} for rows
     * {@code r < n}: the folded input projection plus the recurrent product, for every gate at once;
     * {@code packed} is rw as {@link #packRecurrent} lays it out.
     *
     * <p>The table rows are first copied into {@code gates}: a loop of independent loads keeps many cache
     * misses in flight (a folded row is 1 KB at H=64 and a 20k vocabulary does not fit in cache), where
     * loading them at the start of each register tile stalled the tile's FMA chain on every miss (uniform
     * random ids: 470 → 320-380 ns per row and step, BENCHMARKS.md). Column strips of four vectors
     * outermost keep a 4-vector-wide strip of the recurrent weights in L1 while all row tiles use it; four
     * rows by four vectors make 16 accumulators, which fit AVX-512's 32 registers next to the weights and
     * the broadcast hidden values.
     */
    static void gates(final float[] table, final int[] off, final float[] h, final float[] packed, final int n,
            final int hidden, final int hp, final int g, final float[] gates) {
        for (int r = 0; r < n; r++) {
            System.arraycopy(table, off[r], gates, r * g, g);
        }
        final int strip = 4 * L;
        for (int col = 0; col < g; col += strip) {
            int r = 0;
            for (; r + 4 <= n; r += 4) {
                tile4(h, packed, col * hidden, r, col, hidden, hp, g, gates);
            }
            for (; r < n; r++) {
                tile1(h, packed, col * hidden, r, col, hidden, hp, g, gates);
            }
        }
    }

    /** Adds the recurrent product to rows r..r+3, columns col..col+4L of {@code gates}. */
    private static void tile4(final float[] h, final float[] rw, final int base, final int r, final int col,
            final int hidden, final int hp, final int g, final float[] gates) {
        final int o0 = r * g + col;
        final int o1 = o0 + g;
        final int o2 = o1 + g;
        final int o3 = o2 + g;
        FloatVector a00 = FloatVector.fromArray(S, gates, o0);
        FloatVector a01 = FloatVector.fromArray(S, gates, o0 + L);
        FloatVector a02 = FloatVector.fromArray(S, gates, o0 + 2 * L);
        FloatVector a03 = FloatVector.fromArray(S, gates, o0 + 3 * L);
        FloatVector a10 = FloatVector.fromArray(S, gates, o1);
        FloatVector a11 = FloatVector.fromArray(S, gates, o1 + L);
        FloatVector a12 = FloatVector.fromArray(S, gates, o1 + 2 * L);
        FloatVector a13 = FloatVector.fromArray(S, gates, o1 + 3 * L);
        FloatVector a20 = FloatVector.fromArray(S, gates, o2);
        FloatVector a21 = FloatVector.fromArray(S, gates, o2 + L);
        FloatVector a22 = FloatVector.fromArray(S, gates, o2 + 2 * L);
        FloatVector a23 = FloatVector.fromArray(S, gates, o2 + 3 * L);
        FloatVector a30 = FloatVector.fromArray(S, gates, o3);
        FloatVector a31 = FloatVector.fromArray(S, gates, o3 + L);
        FloatVector a32 = FloatVector.fromArray(S, gates, o3 + 2 * L);
        FloatVector a33 = FloatVector.fromArray(S, gates, o3 + 3 * L);
        final int h0 = r * hp;
        final int h1 = h0 + hp;
        final int h2 = h1 + hp;
        final int h3 = h2 + hp;
        for (int k = 0, w = base; k < hidden; k++, w += 4 * L) {
            final FloatVector w0 = FloatVector.fromArray(S, rw, w);
            final FloatVector w1 = FloatVector.fromArray(S, rw, w + L);
            final FloatVector w2 = FloatVector.fromArray(S, rw, w + 2 * L);
            final FloatVector w3 = FloatVector.fromArray(S, rw, w + 3 * L);
            final FloatVector b0 = FloatVector.broadcast(S, h[h0 + k]);
            a00 = w0.fma(b0, a00);
            a01 = w1.fma(b0, a01);
            a02 = w2.fma(b0, a02);
            a03 = w3.fma(b0, a03);
            final FloatVector b1 = FloatVector.broadcast(S, h[h1 + k]);
            a10 = w0.fma(b1, a10);
            a11 = w1.fma(b1, a11);
            a12 = w2.fma(b1, a12);
            a13 = w3.fma(b1, a13);
            final FloatVector b2 = FloatVector.broadcast(S, h[h2 + k]);
            a20 = w0.fma(b2, a20);
            a21 = w1.fma(b2, a21);
            a22 = w2.fma(b2, a22);
            a23 = w3.fma(b2, a23);
            final FloatVector b3 = FloatVector.broadcast(S, h[h3 + k]);
            a30 = w0.fma(b3, a30);
            a31 = w1.fma(b3, a31);
            a32 = w2.fma(b3, a32);
            a33 = w3.fma(b3, a33);
        }
        a00.intoArray(gates, o0);
        a01.intoArray(gates, o0 + L);
        a02.intoArray(gates, o0 + 2 * L);
        a03.intoArray(gates, o0 + 3 * L);
        a10.intoArray(gates, o1);
        a11.intoArray(gates, o1 + L);
        a12.intoArray(gates, o1 + 2 * L);
        a13.intoArray(gates, o1 + 3 * L);
        a20.intoArray(gates, o2);
        a21.intoArray(gates, o2 + L);
        a22.intoArray(gates, o2 + 2 * L);
        a23.intoArray(gates, o2 + 3 * L);
        a30.intoArray(gates, o3);
        a31.intoArray(gates, o3 + L);
        a32.intoArray(gates, o3 + 2 * L);
        a33.intoArray(gates, o3 + 3 * L);
    }

    private static void tile1(final float[] h, final float[] rw, final int base, final int r, final int col,
            final int hidden, final int hp, final int g, final float[] gates) {
        final int o = r * g + col;
        FloatVector a0 = FloatVector.fromArray(S, gates, o);
        FloatVector a1 = FloatVector.fromArray(S, gates, o + L);
        FloatVector a2 = FloatVector.fromArray(S, gates, o + 2 * L);
        FloatVector a3 = FloatVector.fromArray(S, gates, o + 3 * L);
        final int h0 = r * hp;
        for (int k = 0, w = base; k < hidden; k++, w += 4 * L) {
            final FloatVector b = FloatVector.broadcast(S, h[h0 + k]);
            a0 = FloatVector.fromArray(S, rw, w).fma(b, a0);
            a1 = FloatVector.fromArray(S, rw, w + L).fma(b, a1);
            a2 = FloatVector.fromArray(S, rw, w + 2 * L).fma(b, a2);
            a3 = FloatVector.fromArray(S, rw, w + 3 * L).fma(b, a3);
        }
        a0.intoArray(gates, o);
        a1.intoArray(gates, o + L);
        a2.intoArray(gates, o + 2 * L);
        a3.intoArray(gates, o + 3 * L);
    }

    /**
     * The LSTM cell for rows {@code r < n}, as DL4J computes it: a = tanh(block input), f, o, i =
     * sigmoid(forget, output, input gate); c = f*c + i*a; h = o*tanh(c); then folds h into the pooling
     * accumulator ({@link #POOL_MAX} or {@link #POOL_SUM}; {@link #POOL_NONE} keeps only h), for the rows
     * whose {@code pooled} flag is set (all rows when {@code pooled} is null).
     */
    static void cell(final float[] gates, final float[] c, final float[] h, final float[] pool, final int mode,
            final boolean[] pooled, final int n, final int hp, final int g) {
        for (int r = 0; r < n; r++) {
            final int rowMode = pooled == null || pooled[r] ? mode : POOL_NONE;
            gateExps(gates, r * g, hp, g);
            cellRow(gates, r * g, c, h, pool, r * hp, hp, rowMode);
        }
    }

    /**
     * Replaces a gate row by e_x = exp(-2x) on the block input (for tanh) and exp(-x) on the three sigmoid
     * gates. Kept apart from {@link #cellRow} so that each method holds one call of {@link #exp}: with five
     * in one loop C2 stopped inlining them (NodeCountInliningCutoff) and boxed every vector, which made the
     * cell cost as much as the recurrent product.
     */
    private static void gateExps(final float[] gates, final int gr, final int hp, final int g) {
        for (int j = 0; j < g; j += L) {
            final float scale = j < hp ? -2f : -1f;
            exp(FloatVector.fromArray(S, gates, gr + j).mul(scale)).intoArray(gates, gr + j);
        }
    }

    /**
     * The state update of one row from the exponentials {@link #gateExps} left: sigmoid = 1/(1+e) and
     * tanh = (1-e)/(1+e), so with P = (1+e_i)(1+e_a): c' = f*c + i*a = (c*P + (1-e_a)(1+e_f)) / ((1+e_f)*P)
     * and h = o*tanh(c') = (1-e_c)/((1+e_o)(1+e_c)): two divisions instead of five. exp's clamp keeps every
     * product of three factors below e^60, so none overflows.
     */
    private static void cellRow(final float[] e, final int gr, final float[] c, final float[] h, final float[] pool,
            final int sr, final int hp, final int rowMode) {
        final FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < hp; j += L) {
            final FloatVector ea = FloatVector.fromArray(S, e, gr + j);
            final FloatVector ef = FloatVector.fromArray(S, e, gr + hp + j);
            final FloatVector eo = FloatVector.fromArray(S, e, gr + 2 * hp + j);
            final FloatVector ei = FloatVector.fromArray(S, e, gr + 3 * hp + j);
            final FloatVector pia = one.add(ei).mul(one.add(ea));
            final FloatVector pf = one.add(ef);
            final FloatVector cNew = FloatVector.fromArray(S, c, sr + j).fma(pia, one.sub(ea).mul(pf)).div(pf.mul(pia));
            final FloatVector ec = exp(cNew.mul(-2f));
            final FloatVector hNew = one.sub(ec).div(one.add(eo).mul(one.add(ec)));
            cNew.intoArray(c, sr + j);
            hNew.intoArray(h, sr + j);
            if (rowMode == POOL_MAX) {
                FloatVector.fromArray(S, pool, sr + j).max(hNew).intoArray(pool, sr + j);
            } else if (rowMode == POOL_SUM) {
                FloatVector.fromArray(S, pool, sr + j).add(hNew).intoArray(pool, sr + j);
            }
        }
    }

    /** y[o] = act(b[o] + sum_i x[xOff+i] * w[i*outP + o]) for a dense layer whose width is padded to outP. */
    static void dense(final float[] x, final int xOff, final int in, final float[] w, final float[] b,
            final int outP, final float[] y) {
        for (int o = 0; o < outP; o += L) {
            FloatVector acc = FloatVector.fromArray(S, b, o);
            for (int i = 0, wi = o; i < in; i++, wi += outP) {
                acc = FloatVector.fromArray(S, w, wi).fma(FloatVector.broadcast(S, x[xOff + i]), acc);
            }
            acc.intoArray(y, o);
        }
    }

    /**
     * e^x for x in [-20, 20], clamped outside: Cephes' expf polynomial after a one-constant range
     * reduction (the two-constant Cody-Waite split costs one more FMA per call for accuracy that sigmoid and
     * tanh of an LSTM gate do not need: about 4e-7 relative at |x| = 20, agreement with DL4J is unchanged).
     */
    static FloatVector exp(final FloatVector x0) {
        final FloatVector x = x0.max(-EXP_LIMIT).min(EXP_LIMIT);
        final FloatVector t = x.fma(LOG2E, ROUND_MAGIC);
        final FloatVector n = t.sub(ROUND_MAGIC);
        final FloatVector r = n.fma(FloatVector.broadcast(S, -LN2), x);
        FloatVector p = r.fma(1.9875691500E-4f, 1.3981999507E-3f);
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073E-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894E-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459E-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201E-1f));
        p = p.mul(r).fma(r, r).add(1f);
        final IntVector bits = ((IntVector) t.reinterpretAsInts()).sub(ROUND_MAGIC_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }
}
