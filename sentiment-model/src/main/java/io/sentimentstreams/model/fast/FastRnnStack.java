package io.sentimentstreams.model.fast;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.model.fast.ImportedGraph.Cell;
import io.sentimentstreams.model.fast.ImportedGraph.Dense;
import io.sentimentstreams.model.fast.ImportedGraph.Readout;
import io.sentimentstreams.model.fast.ImportedGraph.Recurrent;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The fast engine for imported ONNX graphs ({@link ImportedGraph}): padded token-id rows in, P(positive)
 * out, with ONNX's own LSTM and GRU semantics (gate orders i-o-f-c and z-r-h, GRU's
 * {@code linear_before_reset} either way), one or two layers, forward or bidirectional, every row run over
 * all {@code maxlen} steps as ONNX Runtime runs the exported graph (padding id 0 is an ordinary token).
 *
 * <p>As in {@link FastBiLstm}, the first layer's embedding, input weights and input-side biases are folded
 * at load time into one table row per token, so a first-layer step costs a row copy plus the recurrent
 * product; deeper layers project their input each step. The products run over {@code jdk.incubator.vector}
 * ({@link RnnKernels}); rows of a call are spread over {@value FastBiLstm#THREADS_PROPERTY} threads.
 * Stateless between calls and safe to call from several threads.
 */
public final class FastRnnStack implements SentimentModel {

    private final int vocab;
    private final int maxlen;
    private final Layer[] layers;
    private final Readout readout;
    private final Dense[] head;
    private final boolean sigmoid;
    private final int features;
    private final ForkJoinPool pool;
    private volatile boolean closed;

    /** One recurrent op in the engine's layout: transposed matrices ([rows, gates] row-major) per direction. */
    private record Layer(Cell cell, int dirs, int h, int g, int in, float[][] table, float[][] wt, float[][] bx,
                         float[][] rt, float[][] rbh) {
    }

    FastRnnStack(final ImportedGraph graph, final int maxlen, final int threads) {
        this.vocab = graph.vocab();
        this.maxlen = maxlen;
        this.layers = new Layer[graph.layers().size()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = layer(graph.layers().get(i), i == 0 ? graph : null);
        }
        this.readout = graph.readout();
        this.head = graph.head().toArray(new Dense[0]);
        this.sigmoid = graph.output() == ImportedGraph.Output.SIGMOID;
        this.features = graph.features();
        this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
    }

    /**
     * Builds the engine from an imported bundle's {@code model.onnx}; the caller must still check it against
     * the ONNX Runtime probabilities stored in the bundle's canary before serving with it.
     */
    public static FastRnnStack fromOnnx(final byte[] onnx, final Architecture arch)
            throws UnsupportedArchitectureException {
        if (!VectorSupport.available()) {
            throw new UnsupportedArchitectureException(
                    "jdk.incubator.vector is not in this JVM (start it with --add-modules jdk.incubator.vector)");
        }
        final ImportedGraph graph = ImportedGraph.parse(onnx);
        return of(graph, arch.vocabSize(), arch.maxlen());
    }

    /** The engine for a parsed graph, checked against the vocabulary size and row length of the bundle. */
    public static FastRnnStack of(final ImportedGraph graph, final int vocabSize, final int maxlen)
            throws UnsupportedArchitectureException {
        if (!VectorSupport.available()) {
            throw new UnsupportedArchitectureException(
                    "jdk.incubator.vector is not in this JVM (start it with --add-modules jdk.incubator.vector)");
        }
        if (graph.vocab() != vocabSize) {
            throw new UnsupportedArchitectureException("model.onnx embeds " + graph.vocab() + " ids, the bundle says "
                    + vocabSize);
        }
        if (graph.timeSteps() != 0 && graph.timeSteps() != maxlen) {
            throw new UnsupportedArchitectureException("model.onnx takes rows of " + graph.timeSteps()
                    + " ids, the bundle pads to " + maxlen);
        }
        return new FastRnnStack(graph, maxlen, FastBiLstm.defaultThreads());
    }

    private static Layer layer(final Recurrent r, final ImportedGraph first) {
        final int h = r.hidden();
        final int g = r.gates();
        final int in = r.input();
        final boolean gru = r.cell() == Cell.GRU;
        final float[][] table = first == null ? null : new float[r.dirs()][];
        final float[][] wt = first == null ? new float[r.dirs()][] : null;
        final float[][] bx = new float[r.dirs()][g];
        final float[][] rt = new float[r.dirs()][h * g];
        final float[][] rbh = gru && r.linearBeforeReset() ? new float[r.dirs()][h] : null;
        for (int d = 0; d < r.dirs(); d++) {
            final int bo = d * 2 * g;
            for (int j = 0; j < g; j++) {
                final float wb = r.b()[bo + j];
                final float rb = r.b()[bo + g + j];
                // A GRU's recurrent bias of the candidate gate sits inside r ⊙ (...) when linear_before_reset=1.
                final boolean inside = gru && r.linearBeforeReset() && j >= 2 * h;
                bx[d][j] = inside ? wb : wb + rb;
                if (inside) {
                    rbh[d][j - 2 * h] = rb;
                }
            }
            for (int j = 0; j < g; j++) {
                for (int k = 0; k < h; k++) {
                    rt[d][k * g + j] = r.r()[(d * g + j) * h + k];
                }
            }
            final float[] w = new float[in * g];
            for (int j = 0; j < g; j++) {
                for (int k = 0; k < in; k++) {
                    w[k * g + j] = r.w()[(d * g + j) * in + k];
                }
            }
            if (first == null) {
                wt[d] = w;
            } else {
                final int e = first.embDim();
                final float[] t = new float[first.vocab() * g];
                for (int v = 0; v < first.vocab(); v++) {
                    System.arraycopy(bx[d], 0, t, v * g, g);
                    RnnKernels.addProduct(first.embedding(), v * e, e, w, g, 0, g, t, v * g);
                }
                table[d] = t;
            }
        }
        return new Layer(r.cell(), r.dirs(), h, g, in, table, wt, bx, rt, rbh);
    }

    @Override
    public String engine() {
        return FastBiLstm.ENGINE;
    }

    @Override
    public float[] score(final int[][] ids) {
        if (closed) {
            throw new IllegalStateException("fast engine is closed");
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].length != maxlen) {
                throw new IllegalArgumentException("row " + i + " has " + ids[i].length + " ids, the model takes "
                        + maxlen);
            }
            for (final int id : ids[i]) {
                if (id < 0 || id >= vocab) {
                    throw new IllegalArgumentException("row " + i + ": id " + id + " outside [0, " + vocab + ")");
                }
            }
        }
        final float[] out = new float[ids.length];
        if (pool == null || ids.length < 2) {
            for (int i = 0; i < ids.length; i++) {
                out[i] = row(ids[i]);
            }
            return out;
        }
        try {
            pool.submit(() -> IntStream.range(0, ids.length).parallel().forEach(i -> out[i] = row(ids[i]))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("fast engine failed: " + e.getCause(), e.getCause());
        }
        return out;
    }

    private float row(final int[] ids) {
        float[] x = null;
        int xw = 0;
        for (final Layer l : layers) {
            final int f = l.dirs() * l.h();
            final float[] y = new float[maxlen * f];
            final float[] gates = new float[l.g()];
            final float[] h = new float[l.h()];
            final float[] c = new float[l.h()];
            final float[] tmp = new float[l.h()];
            for (int d = 0; d < l.dirs(); d++) {
                java.util.Arrays.fill(h, 0f);
                java.util.Arrays.fill(c, 0f);
                for (int s = 0; s < maxlen; s++) {
                    final int t = d == 0 ? s : maxlen - 1 - s;
                    if (l.table() != null) {
                        System.arraycopy(l.table()[d], ids[t] * l.g(), gates, 0, l.g());
                    } else {
                        System.arraycopy(l.bx()[d], 0, gates, 0, l.g());
                        RnnKernels.addProduct(x, t * xw, l.in(), l.wt()[d], l.g(), 0, l.g(), gates, 0);
                    }
                    if (l.cell() == Cell.LSTM) {
                        lstm(l, d, gates, h, c);
                    } else {
                        gru(l, d, gates, h, tmp);
                    }
                    System.arraycopy(h, 0, y, t * f + d * l.h(), l.h());
                }
            }
            x = y;
            xw = f;
        }
        final float[] v = new float[features];
        final int h = layers[layers.length - 1].h();
        switch (readout) {
            case LAST -> System.arraycopy(x, (maxlen - 1) * xw, v, 0, xw);
            case FINAL -> {
                System.arraycopy(x, (maxlen - 1) * xw, v, 0, h);
                if (xw > h) {
                    System.arraycopy(x, h, v, h, h);
                }
            }
            case MAX -> {
                java.util.Arrays.fill(v, Float.NEGATIVE_INFINITY);
                for (int t = 0; t < maxlen; t++) {
                    for (int j = 0; j < xw; j++) {
                        v[j] = Math.max(v[j], x[t * xw + j]);
                    }
                }
            }
            case MEAN -> {
                for (int t = 0; t < maxlen; t++) {
                    for (int j = 0; j < xw; j++) {
                        v[j] += x[t * xw + j];
                    }
                }
                for (int j = 0; j < xw; j++) {
                    v[j] /= maxlen;
                }
            }
        }
        float[] a = v;
        for (final Dense d : head) {
            final float[] o = d.b().clone();
            RnnKernels.addProduct(a, 0, d.in(), d.w(), d.out(), 0, d.out(), o, 0);
            for (int j = 0; j < o.length; j++) {
                o[j] = switch (d.act()) {
                    case IDENTITY -> o[j];
                    case RELU -> Math.max(0f, o[j]);
                    case TANH -> (float) Math.tanh(o[j]);
                    case SIGMOID -> sigmoid(o[j]);
                };
            }
            a = o;
        }
        if (sigmoid) {
            return sigmoid(a[0]);
        }
        // softmax over two: P(1) = 1 / (1 + e^(z0 - z1)).
        return sigmoid(a[1] - a[0]);
    }

    /** ONNX LSTM, gates [i, o, f, c]: c = f∘c + i∘tanh(z_c), h = o∘tanh(c). */
    private static void lstm(final Layer l, final int d, final float[] z, final float[] h, final float[] c) {
        final int n = l.h();
        RnnKernels.addProduct(h, 0, n, l.rt()[d], l.g(), 0, l.g(), z, 0);
        for (int j = 0; j < n; j++) {
            final float i = sigmoid(z[j]);
            final float o = sigmoid(z[n + j]);
            final float f = sigmoid(z[2 * n + j]);
            final float cand = (float) Math.tanh(z[3 * n + j]);
            c[j] = f * c[j] + i * cand;
            h[j] = o * (float) Math.tanh(c[j]);
        }
    }

    /**
     * ONNX GRU, gates [z, r, h]: with linear_before_reset the candidate is tanh(x·W_h + r∘(h·R_h + Rb_h)),
     * without it tanh(x·W_h + (r∘h)·R_h + Rb_h); then h = (1 − z)∘candidate + z∘h.
     */
    private static void gru(final Layer l, final int d, final float[] z, final float[] h, final float[] tmp) {
        final int n = l.h();
        final int g = l.g();
        RnnKernels.addProduct(h, 0, n, l.rt()[d], g, 0, 2 * n, z, 0);
        if (l.rbh() != null) {
            System.arraycopy(l.rbh()[d], 0, tmp, 0, n);
            RnnKernels.addProduct(h, 0, n, l.rt()[d], g, 2 * n, n, tmp, 0);
            for (int j = 0; j < n; j++) {
                z[2 * n + j] += sigmoid(z[n + j]) * tmp[j];
            }
        } else {
            for (int j = 0; j < n; j++) {
                tmp[j] = sigmoid(z[n + j]) * h[j];
            }
            RnnKernels.addProduct(tmp, 0, n, l.rt()[d], g, 2 * n, n, z, 2 * n);
        }
        for (int j = 0; j < n; j++) {
            final float u = sigmoid(z[j]);
            final float cand = (float) Math.tanh(z[2 * n + j]);
            h[j] = (1 - u) * cand + u * h[j];
        }
    }

    private static float sigmoid(final float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.shutdown();
        }
    }
}
