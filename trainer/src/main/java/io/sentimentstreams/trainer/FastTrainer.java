package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.model.fast.VectorSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code --engine fast} training path: the same network as DL4J's (built and initialised by
 * {@code NetworkFactory}, so weight initialisation and word-vector loading are shared), trained by our own
 * forward and backward passes ({@link BiLstmPass}) on plain Java arrays instead of {@code fit()}, and
 * written back into the DL4J network after every epoch, which is what validation (through the fast
 * inference engine built from it), checkpoints and the bundle then use. Each step takes one batch per
 * worker thread, averages the gradient over all their rows, clips it element-wise and applies one Adam
 * update (DL4J's formula and defaults).
 *
 * <p>Only the unmasked {@code bilstm} with max or mean pooling, no hidden dense layer and no L2 is
 * supported ({@link #unsupported}); everything else trains on DL4J.
 */
final class FastTrainer implements AutoCloseable {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final ParamLayout layout;
    private final float[] params;
    private final float[] m;
    private final float[] v;
    private final float clip;
    private final List<BiLstmPass> passes = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();
    private double learningRate;
    private long iteration;

    /** Why {@code cfg} cannot train on the fast path, or null when it can. */
    static String unsupported(final TrainerConfig cfg, final Architecture arch) {
        if (!"bilstm".equalsIgnoreCase(arch.type())) {
            return "--engine fast trains only --arch bilstm (not " + arch.type() + ")";
        }
        if (arch.masked()) {
            return "--engine fast trains only unmasked networks (add --no-mask)";
        }
        if (arch.pooling() != Pooling.MAX && arch.pooling() != Pooling.MEAN) {
            return "--engine fast trains only --pooling max or mean (not " + arch.pooling() + ")";
        }
        if (arch.denseSize() > 0) {
            return "--engine fast trains no hidden dense layer (--dense 0)";
        }
        if (cfg.l2() > 0) {
            return "--engine fast does not implement --l2";
        }
        return null;
    }

    FastTrainer(final MultiLayerNetwork net, final Architecture arch, final TrainerConfig cfg) {
        this(net, arch, cfg, VectorSupport.available());
    }

    /** @param vector use the Vector API kernels (else the plain loops; both are tested against DL4J) */
    FastTrainer(final MultiLayerNetwork net, final Architecture arch, final TrainerConfig cfg, final boolean vector) {
        final String reason = unsupported(cfg, arch);
        if (reason != null) {
            throw new IllegalArgumentException(reason);
        }
        layout = new ParamLayout(arch.vocabSize(), arch.embeddingDim(), arch.hiddenSize(), arch.maxlen(),
                cfg.embeddings() != null && cfg.freezeEmbeddings());
        params = new float[layout.size()];
        m = new float[layout.size()];
        v = new float[layout.size()];
        clip = (float) cfg.clip();
        learningRate = cfg.learningRate();
        readFrom(net);
        final boolean max = arch.pooling() == Pooling.MAX;
        for (int w = 0; w < cfg.workers(); w++) {
            passes.add(new BiLstmPass(layout, max, cfg.dropout(), cfg.seed() * 1_000_003L + w, vector));
            final int id = w;
            threads.add(Executors.newSingleThreadExecutor(r -> {
                final Thread th = new Thread(r, "fast-trainer-" + id);
                th.setDaemon(true);
                return th;
            }));
        }
    }

    void setLearningRate(final double lr) {
        this.learningRate = lr;
    }

    /** One pass over {@code batches}: one Adam step per group of (worker count) batches. */
    void epoch(final List<int[]> batches, final EncodedSet train, final Progress progress) {
        final int k = passes.size();
        for (int from = 0; from < batches.size(); from += k) {
            final int n = Math.min(k, batches.size() - from);
            int rows = 0;
            for (int w = 0; w < n; w++) {
                rows += batches.get(from + w).length;
            }
            final int stepRows = rows;
            final List<Future<Double>> done = new ArrayList<>(n);
            for (int w = 0; w < n; w++) {
                final int[] idx = batches.get(from + w);
                final BiLstmPass pass = passes.get(w);
                done.add(threads.get(w).submit(() -> {
                    final int[] labels = new int[idx.length];
                    for (int i = 0; i < idx.length; i++) {
                        labels[i] = train.labels()[idx[i]];
                    }
                    return pass.run(params, Batches.rows(train.ids(), idx), labels, stepRows, true);
                }));
            }
            double loss = 0;
            for (final Future<Double> f : done) {
                loss += await(f);
            }
            update(n);
            progress.step(stepRows, loss / stepRows);
        }
    }

    /** The gradient of the mean loss over {@code rows} (one worker, dropout as configured): for tests. */
    float[] gradient(final int[][] rows, final int[] labels) {
        final BiLstmPass pass = passes.get(0);
        pass.run(params, rows, labels, rows.length, true);
        return pass.grad.clone();
    }

    /** The summed cross-entropy of {@code rows} without dropout. */
    double loss(final int[][] rows, final int[] labels) {
        return passes.get(0).run(params, rows, labels, rows.length, false);
    }

    /** Sums the first {@code n} workers' gradients, clips element-wise and applies DL4J's Adam update. */
    private void update(final int n) {
        final float[] grad = passes.get(0).grad;
        for (int w = 1; w < n; w++) {
            final float[] other = passes.get(w).grad;
            for (int i = 0; i < grad.length; i++) {
                grad[i] += other[i];
            }
        }
        iteration++;
        final double alpha = learningRate * Math.sqrt(1 - Math.pow(BETA2, iteration))
                / (1 - Math.pow(BETA1, iteration));
        final float a = (float) alpha;
        final float b1 = (float) BETA1;
        final float b2 = (float) BETA2;
        final float eps = (float) EPSILON;
        final int start = layout.frozenEmbedding() ? layout.inputWeights(0) : 0;
        for (int i = start; i < grad.length; i++) {
            float gi = grad[i];
            if (clip > 0) {
                gi = Math.max(-clip, Math.min(clip, gi));
            }
            final float mi = b1 * m[i] + (1 - b1) * gi;
            final float vi = b2 * v[i] + (1 - b2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            params[i] -= a * mi / ((float) Math.sqrt(vi) + eps);
        }
    }

    private static double await(final Future<Double> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a training worker failed: " + e.getCause(), e.getCause());
        }
    }

    /** One DL4J parameter (layer index and key, as in {@code NetworkFactory}) and its place in the layout. */
    private record Tensor(String key, int offset, int rows, int cols) {
    }

    private List<Tensor> tensors() {
        final int g = 4 * layout.hidden();
        final List<Tensor> out = new ArrayList<>();
        out.add(new Tensor("0_W", layout.embedding(), layout.vocab(), layout.embeddingDim()));
        final String[] dir = {"f", "b"};
        for (int d = 0; d < 2; d++) {
            out.add(new Tensor("1_" + dir[d] + "W", layout.inputWeights(d), layout.embeddingDim(), g));
            out.add(new Tensor("1_" + dir[d] + "RW", layout.recurrentWeights(d), layout.hidden(), g));
            out.add(new Tensor("1_" + dir[d] + "b", layout.bias(d), 1, g));
        }
        out.add(new Tensor("3_W", layout.outW(), 2 * layout.hidden(), 2));
        out.add(new Tensor("3_b", layout.outB(), 1, 2));
        return out;
    }

    private void readFrom(final MultiLayerNetwork net) {
        for (final Tensor k : tensors()) {
            final var source = net.getParam(k.key());
            if (source.length() != (long) k.rows() * k.cols()) {
                throw new IllegalStateException(String.format(Locale.ROOT, "parameter %s has shape %s, expected "
                        + "[%d, %d]", k.key(), java.util.Arrays.toString(source.shape()), k.rows(), k.cols()));
            }
            final float[][] rows = source.reshape(k.rows(), k.cols()).toFloatMatrix();
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, params, k.offset() + r * k.cols(), k.cols());
            }
        }
    }

    /** Copies the current parameters into {@code net} (same shapes as it was built with). */
    void writeTo(final MultiLayerNetwork net) {
        for (final Tensor k : tensors()) {
            final float[] flat = new float[k.rows() * k.cols()];
            System.arraycopy(params, k.offset(), flat, 0, flat.length);
            final var target = net.getParam(k.key());
            target.assign(Nd4j.create(flat, new long[] {k.rows(), k.cols()}, 'c').reshape(target.shape()));
        }
    }

    @Override
    public void close() {
        for (final ExecutorService t : threads) {
            t.shutdownNow();
        }
    }
}
