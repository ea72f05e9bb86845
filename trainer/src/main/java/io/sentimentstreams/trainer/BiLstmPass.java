package io.sentimentstreams.trainer;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One worker's forward and backward pass of the unmasked bidirectional-LSTM classifier (embedding →
 * dropout → BiLSTM → max or mean over time → dropout → 2-way softmax) over its share of a step's rows,
 * accumulating the gradient of the step's mean cross-entropy into {@link #grad}. Parameters and gradients
 * are flat arrays in the {@link ParamLayout} order; activations are stored time-major ([t][row][unit]) so
 * that every step of the recurrence works on one contiguous block.
 *
 * <p>The matrix products run on {@link TrainKernels} when the Vector API is present, else on
 * {@link #plainProduct}, whose inner loop over a contiguous row C2 also vectorises.
 */
final class BiLstmPass {

    private final ParamLayout p;
    private final int t;
    private final int e;
    private final int h;
    private final int g;
    private final boolean maxPool;
    private final float retainIn;
    private final float retainOut;
    private final SplittableRandom rnd;
    private final boolean vector;
    /** The gradient of this worker's rows (scaled by the step's total row count). */
    final float[] grad;

    private int cap;
    private final float[][] x = new float[2][];
    private final float[][] keep = new float[2][];
    private final float[][] act = new float[2][];
    private final float[][] c = new float[2][];
    private final float[][] tc = new float[2][];
    private final float[][] hs = new float[2][];
    private final int[][] argmax = new int[2][];
    private float[] feat;
    private float[] featKeep;
    private float[] dfeat;
    private float[] dh;
    private float[] dhNext;
    private float[] dcNext;
    private final float[] rwT;
    private final float[] wT;

    /** @param vector use {@link TrainKernels} (the caller checked that the Vector API is present) */
    BiLstmPass(final ParamLayout layout, final boolean maxPool, final double dropout, final long seed,
               final boolean vector) {
        this.vector = vector;
        this.p = layout;
        this.t = layout.maxlen();
        this.e = layout.embeddingDim();
        this.h = layout.hidden();
        this.g = 4 * h;
        this.maxPool = maxPool;
        this.retainIn = (float) (1.0 - dropout);
        this.retainOut = (float) (1.0 - dropout);
        this.rnd = new SplittableRandom(seed);
        this.grad = new float[layout.size()];
        this.rwT = new float[g * h];
        this.wT = new float[g * e];
    }

    private void ensure(final int n) {
        if (n <= cap) {
            return;
        }
        cap = n;
        for (int d = 0; d < 2; d++) {
            x[d] = new float[t * n * e];
            keep[d] = new float[t * n * e];
            act[d] = new float[t * n * g];
            c[d] = new float[t * n * h];
            tc[d] = new float[t * n * h];
            hs[d] = new float[t * n * h];
            argmax[d] = new int[n * h];
        }
        feat = new float[n * 2 * h];
        featKeep = new float[n * 2 * h];
        dfeat = new float[n * 2 * h];
        dh = new float[n * h];
        dhNext = new float[n * h];
        dcNext = new float[n * h];
    }

    /**
     * Forward and (when {@code train}) backward over {@code rows} with their {@code labels}: returns the
     * summed cross-entropy of these rows; {@link #grad} holds d(sum over the step's rows / stepRows).
     * Dropout is applied only when training.
     */
    double run(final float[] params, final int[][] rows, final int[] labels, final int stepRows, final boolean train) {
        final int n = rows.length;
        ensure(n);
        if (train) {
            Arrays.fill(grad, 0f);
        }
        for (int d = 0; d < 2; d++) {
            forward(params, rows, n, d, train);
        }
        // Features [n][2H]: forward direction's pooled units, then the backward direction's (DL4J CONCAT).
        for (int r = 0; r < n; r++) {
            for (int d = 0; d < 2; d++) {
                pool(r, n, d);
            }
        }
        final boolean dropOut = train && retainOut < 1f;
        for (int i = 0; i < n * 2 * h; i++) {
            featKeep[i] = dropOut ? draw(retainOut) : 1f;
        }
        final int w2 = 2 * h;
        final int ow = p.outW();
        final int ob = p.outB();
        double loss = 0;
        final float inv = 1f / stepRows;
        for (int r = 0; r < n; r++) {
            double z0 = params[ob];
            double z1 = params[ob + 1];
            for (int k = 0; k < w2; k++) {
                final float v = feat[r * w2 + k] * featKeep[r * w2 + k];
                z0 += v * params[ow + k * 2];
                z1 += v * params[ow + k * 2 + 1];
            }
            // log-softmax of two logits, stable for either sign of the difference
            final double m = Math.max(z0, z1);
            final double lse = m + Math.log(Math.exp(z0 - m) + Math.exp(z1 - m));
            final double p1 = Math.exp(z1 - lse);
            loss -= labels[r] == 1 ? z1 - lse : z0 - lse;
            if (!train) {
                continue;
            }
            final float d1 = (float) (p1 - labels[r]) * inv;
            final float d0 = -d1;
            grad[ob] += d0;
            grad[ob + 1] += d1;
            for (int k = 0; k < w2; k++) {
                final float keepK = featKeep[r * w2 + k];
                final float v = feat[r * w2 + k] * keepK;
                grad[ow + k * 2] += v * d0;
                grad[ow + k * 2 + 1] += v * d1;
                dfeat[r * w2 + k] = (d0 * params[ow + k * 2] + d1 * params[ow + k * 2 + 1]) * keepK;
            }
        }
        if (train) {
            for (int d = 0; d < 2; d++) {
                backward(params, rows, n, d);
            }
        }
        return loss;
    }

    /** Position of step s of direction d in the sequence: the backward direction reads it reversed. */
    private int time(final int d, final int s) {
        return d == 0 ? s : t - 1 - s;
    }

    private void forward(final float[] params, final int[][] rows, final int n, final int d, final boolean train) {
        final float[] xd = x[d];
        final float[] kd = keep[d];
        final float[] a = act[d];
        final int emb = p.embedding();
        final boolean dropIn = train && retainIn < 1f;
        for (int tt = 0; tt < t; tt++) {
            for (int r = 0; r < n; r++) {
                final int src = emb + rows[r][tt] * e;
                final int dst = (tt * n + r) * e;
                for (int k = 0; k < e; k++) {
                    final float m = dropIn ? draw(retainIn) : 1f;
                    kd[dst + k] = m;
                    xd[dst + k] = params[src + k] * m;
                }
            }
        }
        final int bias = p.bias(d);
        for (int s = 0; s < t * n; s++) {
            System.arraycopy(params, bias, a, s * g, g);
        }
        mulAdd(xd, 0, t * n, e, params, p.inputWeights(d), g, a, 0);
        final int rw = p.recurrentWeights(d);
        final float[] cd = c[d];
        final float[] tcd = tc[d];
        final float[] hd = hs[d];
        for (int s = 0; s < t; s++) {
            final int tt = time(d, s);
            if (s > 0) {
                mulAdd(hd, time(d, s - 1) * n * h, n, h, params, rw, g, a, tt * n * g);
            }
            for (int r = 0; r < n; r++) {
                final int gr = (tt * n + r) * g;
                final int sr = (tt * n + r) * h;
                final int prev = s > 0 ? (time(d, s - 1) * n + r) * h : -1;
                for (int k = 0; k < h; k++) {
                    final float blockIn = tanh(a[gr + k]);
                    final float forget = sigmoid(a[gr + h + k]);
                    final float out = sigmoid(a[gr + 2 * h + k]);
                    final float in = sigmoid(a[gr + 3 * h + k]);
                    a[gr + k] = blockIn;
                    a[gr + h + k] = forget;
                    a[gr + 2 * h + k] = out;
                    a[gr + 3 * h + k] = in;
                    final float cell = (prev < 0 ? 0f : forget * cd[prev + k]) + in * blockIn;
                    final float tcell = tanh(cell);
                    cd[sr + k] = cell;
                    tcd[sr + k] = tcell;
                    hd[sr + k] = out * tcell;
                }
            }
        }
    }

    private void pool(final int r, final int n, final int d) {
        final float[] hd = hs[d];
        final int base = r * 2 * h + d * h;
        for (int k = 0; k < h; k++) {
            if (maxPool) {
                float best = Float.NEGATIVE_INFINITY;
                int at = 0;
                for (int tt = 0; tt < t; tt++) {
                    final float v = hd[(tt * n + r) * h + k];
                    if (v > best) {
                        best = v;
                        at = tt;
                    }
                }
                feat[base + k] = best;
                argmax[d][r * h + k] = at;
            } else {
                float sum = 0f;
                for (int tt = 0; tt < t; tt++) {
                    sum += hd[(tt * n + r) * h + k];
                }
                feat[base + k] = sum / t;
            }
        }
    }

    private void backward(final float[] params, final int[][] rows, final int n, final int d) {
        final float[] a = act[d];
        final float[] cd = c[d];
        final float[] tcd = tc[d];
        final float[] hd = hs[d];
        final int rw = p.recurrentWeights(d);
        transpose(params, rw, h, g, rwT);
        Arrays.fill(dhNext, 0, n * h, 0f);
        Arrays.fill(dcNext, 0, n * h, 0f);
        final float meanScale = 1f / t;
        for (int s = t - 1; s >= 0; s--) {
            final int tt = time(d, s);
            // dL/dh at this step: from the pooling (max: only at the arg max) plus from the next step.
            for (int r = 0; r < n; r++) {
                final int fr = r * 2 * h + d * h;
                for (int k = 0; k < h; k++) {
                    float v = dhNext[r * h + k];
                    if (maxPool) {
                        if (argmax[d][r * h + k] == tt) {
                            v += dfeat[fr + k];
                        }
                    } else {
                        v += dfeat[fr + k] * meanScale;
                    }
                    dh[r * h + k] = v;
                }
            }
            for (int r = 0; r < n; r++) {
                final int gr = (tt * n + r) * g;
                final int sr = (tt * n + r) * h;
                final int prev = s > 0 ? (time(d, s - 1) * n + r) * h : -1;
                for (int k = 0; k < h; k++) {
                    final float blockIn = a[gr + k];
                    final float forget = a[gr + h + k];
                    final float out = a[gr + 2 * h + k];
                    final float in = a[gr + 3 * h + k];
                    final float tcell = tcd[sr + k];
                    final float dhk = dh[r * h + k];
                    final float dc = dcNext[r * h + k] + dhk * out * (1f - tcell * tcell);
                    final float cPrev = prev < 0 ? 0f : cd[prev + k];
                    a[gr + k] = dc * in * (1f - blockIn * blockIn);
                    a[gr + h + k] = dc * cPrev * forget * (1f - forget);
                    a[gr + 2 * h + k] = dhk * tcell * out * (1f - out);
                    a[gr + 3 * h + k] = dc * blockIn * in * (1f - in);
                    dcNext[r * h + k] = dc * forget;
                }
            }
            Arrays.fill(dhNext, 0, n * h, 0f);
            if (s > 0) {
                mulAdd(a, tt * n * g, n, g, rwT, 0, h, dhNext, 0);
            }
        }
        // dRW = sum over steps of h(previous step)ᵀ · dGates: one product over all steps, since the previous
        // step of time tt is tt-1 (forward) or tt+1 (backward) and both blocks are contiguous in time.
        if (t > 1) {
            final int rowsAll = (t - 1) * n;
            if (d == 0) {
                transMulAdd(hd, 0, rowsAll, h, a, n * g, g, grad, rw);
            } else {
                transMulAdd(hd, n * h, rowsAll, h, a, 0, g, grad, rw);
            }
        }
        // a now holds dGates for every step: bias, input weights and the embedding rows.
        final int bias = p.bias(d);
        for (int s = 0; s < t * n; s++) {
            final int gr = s * g;
            for (int j = 0; j < g; j++) {
                grad[bias + j] += a[gr + j];
            }
        }
        transMulAdd(x[d], 0, t * n, e, a, 0, g, grad, p.inputWeights(d));
        if (p.frozenEmbedding()) {
            return;
        }
        // The embedding rows: dx = dGates · Wᵀ through the dropout mask, into x's buffer (no longer needed).
        transpose(params, p.inputWeights(d), e, g, wT);
        final float[] dxAll = x[d];
        Arrays.fill(dxAll, 0, t * n * e, 0f);
        mulAdd(a, 0, t * n, g, wT, 0, e, dxAll, 0);
        final float[] kd = keep[d];
        final int emb = p.embedding();
        for (int tt = 0; tt < t; tt++) {
            for (int r = 0; r < n; r++) {
                final int s = (tt * n + r) * e;
                final int dst = emb + rows[r][tt] * e;
                for (int k = 0; k < e; k++) {
                    grad[dst + k] += dxAll[s + k] * kd[s + k];
                }
            }
        }
    }

    /** c[i][*] += sum_k a[i][k] * b[k][*]: a is [rows][inner], b is [inner][cols], c is [rows][cols]. */
    private void mulAdd(final float[] a, final int aOff, final int rows, final int inner, final float[] b,
                        final int bOff, final int cols, final float[] c, final int cOff) {
        if (vector && TrainKernels.fits(cols)) {
            TrainKernels.mulAdd(a, aOff, rows, inner, b, bOff, cols, c, cOff);
        } else {
            plainProduct(a, aOff, rows, inner, 1, inner, b, bOff, cols, c, cOff);
        }
    }

    /** c[k][*] += sum_i a[i][k] * b[i][*]: a is [rows][inner], b is [rows][cols], c is [inner][cols]. */
    private void transMulAdd(final float[] a, final int aOff, final int rows, final int inner, final float[] b,
                             final int bOff, final int cols, final float[] c, final int cOff) {
        if (vector && TrainKernels.fits(cols)) {
            TrainKernels.transMulAdd(a, aOff, rows, inner, b, bOff, cols, c, cOff);
        } else {
            plainProduct(a, aOff, inner, 1, inner, rows, b, bOff, cols, c, cOff);
        }
    }

    /**
     * The fallback without the Vector API, with the strides of {@code TrainKernels.product}: c[o][*] +=
     * sum_{s < steps} a[aOff + o*aLane + s*aStep] * b[bOff + s*cols][*]; zero inputs (dropped units, the
     * first step's hidden state) skip their whole row of b.
     */
    static void plainProduct(final float[] a, final int aOff, final int outputs, final int aLane, final int aStep,
                             final int steps, final float[] b, final int bOff, final int cols, final float[] c,
                             final int cOff) {
        for (int o = 0; o < outputs; o++) {
            final int co = cOff + o * cols;
            for (int st = 0, ai = aOff + o * aLane, bi = bOff; st < steps; st++, ai += aStep, bi += cols) {
                final float av = a[ai];
                if (av == 0f) {
                    continue;
                }
                for (int j = 0; j < cols; j++) {
                    c[co + j] += av * b[bi + j];
                }
            }
        }
    }

    /** dst[j][i] = src[off + i*cols + j] for a [rows][cols] block. */
    private static void transpose(final float[] src, final int off, final int rows, final int cols, final float[] dst) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                dst[j * rows + i] = src[off + i * cols + j];
            }
        }
    }

    private int bits;
    private long pool;

    /** Inverted dropout: 1/retain with probability retain, else 0 (16 random bits per draw). */
    private float draw(final float retain) {
        if (bits == 0) {
            pool = rnd.nextLong();
            bits = 4;
        }
        final int u = (int) (pool & 0xFFFF);
        pool >>>= 16;
        bits--;
        return u < (int) (retain * 65536f) ? 1f / retain : 0f;
    }

    static float sigmoid(final float v) {
        return (float) (1.0 / (1.0 + Math.exp(-v)));
    }

    static float tanh(final float v) {
        return (float) (2.0 / (1.0 + Math.exp(-2.0 * v)) - 1.0);
    }
}
