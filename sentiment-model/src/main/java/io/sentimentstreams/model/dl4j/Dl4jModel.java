package io.sentimentstreams.model.dl4j;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.model.SentimentModel;
import java.io.IOException;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The reference engine: padded token-id rows in, P(positive) out, computed by the trained DL4J network
 * itself. Calls are serialized because a {@link MultiLayerNetwork} is not thread-safe.
 *
 * <p>The padding convention lives here and only here ({@link #activeColumns}, {@link #featureMask}): id 0
 * is padding; a masked network sees a mask of {@code ids != 0}; columns that are padding in every row of a
 * batch are cut off before the forward pass (with the mask, DL4J's LSTM resets its state at every masked
 * step and the pooling ignores them, so this changes no score; see docs/model.md); a row with no token at
 * all keeps its last column unmasked, i.e. it is scored as one step of the padding embedding. An unmasked
 * network always gets the full {@code maxlen} columns, because for it padding is input.
 */
public final class Dl4jModel implements SentimentModel {

    public static final String ENGINE = "dl4j";

    private final MultiLayerNetwork network;
    private final Architecture architecture;

    public Dl4jModel(final MultiLayerNetwork network, final Architecture architecture) {
        this.network = network;
        this.architecture = architecture;
    }

    /** Loads {@code network.zip} of a verified bundle and checks it against the manifest's architecture. */
    public static Dl4jModel load(final ModelBundle bundle) throws BundleException {
        final Architecture a = bundle.manifest().architecture();
        final MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(bundle.file(BundleManifest.NETWORK).toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new BundleException(BundleException.Kind.BAD_ARCHIVE,
                    "cannot read " + BundleManifest.NETWORK + " of " + bundle + ": " + e, e);
        }
        final MultiLayerNetwork expected = NetworkFactory.build(a, 0);
        if (expected.numParams() != net.numParams() || expected.getnLayers() != net.getnLayers()) {
            throw new BundleException(BundleException.Kind.SHAPE_MISMATCH,
                    "network of " + bundle + " has " + net.numParams() + " parameters in " + net.getnLayers()
                            + " layers; the manifest's architecture " + a + " needs " + expected.numParams()
                            + " in " + expected.getnLayers());
        }
        return new Dl4jModel(net, a);
    }

    public MultiLayerNetwork network() {
        return network;
    }

    public Architecture architecture() {
        return architecture;
    }

    @Override
    public String engine() {
        return ENGINE;
    }

    @Override
    public float[] score(final int[][] ids) {
        if (ids.length == 0) {
            return new float[0];
        }
        final int maxlen = architecture.maxlen();
        for (final int[] row : ids) {
            if (row.length != maxlen) {
                throw new IllegalArgumentException("every row needs " + maxlen + " ids, got " + row.length);
            }
        }
        final int[] cols = trimmable() ? activeColumns(ids) : new int[] {0, maxlen};
        final INDArray features = features(ids, cols[0], cols[1]);
        final INDArray mask = architecture.masked() ? featureMask(ids, cols[0], cols[1]) : null;
        final INDArray out;
        synchronized (network) {
            out = network.output(features, false, mask, null);
        }
        final float[] p = new float[ids.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = out.getFloat(i, 1);
        }
        return p;
    }

    /**
     * Cutting all-padding columns is exact only when the mask reaches the LSTM, i.e. with {@code last}
     * pooling (LastTimeStep resets the state at masked steps). With global pooling DL4J masks only the
     * pooling and the LSTM state keeps evolving through the padding, so trimming would make a row's
     * score depend on the other rows of its batch (docs/engine.md).
     */
    private boolean trimmable() {
        return architecture.masked() && architecture.pooling() == Pooling.LAST
                && !"embedding-dense".equals(architecture.type().toLowerCase(Locale.ROOT));
    }

    /**
     * The column range [from, to) outside which every row is padding; at least one column (the last)
     * so that an all-padding batch is still a valid input.
     */
    public static int[] activeColumns(final int[][] ids) {
        final int width = ids[0].length;
        int from = width;
        int to = 0;
        for (final int[] row : ids) {
            for (int t = 0; t < width; t++) {
                if (row[t] != 0) {
                    from = Math.min(from, t);
                    to = Math.max(to, t + 1);
                }
            }
        }
        if (to == 0) {
            return new int[] {width - 1, width};
        }
        return new int[] {from, to};
    }

    /** Token ids of columns [from, to) as a [batch, to-from] float matrix (DL4J's embedding input). */
    public static INDArray features(final int[][] ids, final int from, final int to) {
        final int len = to - from;
        final float[] flat = new float[ids.length * len];
        for (int i = 0; i < ids.length; i++) {
            for (int t = 0; t < len; t++) {
                flat[i * len + t] = ids[i][from + t];
            }
        }
        return Nd4j.create(flat, new long[] {ids.length, len}, 'c');
    }

    /**
     * The mask over columns [from, to): 1 where the id is not padding. A row with no token at all gets a
     * 1 in the last column of the range, so every row has at least one step.
     */
    public static INDArray featureMask(final int[][] ids, final int from, final int to) {
        final int len = to - from;
        final float[] flat = new float[ids.length * len];
        for (int i = 0; i < ids.length; i++) {
            boolean any = false;
            for (int t = 0; t < len; t++) {
                if (ids[i][from + t] != 0) {
                    flat[i * len + t] = 1f;
                    any = true;
                }
            }
            if (!any) {
                flat[i * len + len - 1] = 1f;
            }
        }
        return Nd4j.create(flat, new long[] {ids.length, len}, 'c').castTo(DataType.FLOAT);
    }

    @Override
    public void close() {
        network.close();
    }
}
