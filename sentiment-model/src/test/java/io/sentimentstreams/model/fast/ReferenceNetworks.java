package io.sentimentstreams.model.fast;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import java.util.Arrays;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Test-side builder of the DL4J reference network (embedding, bidirectional LSTM, pooling, optional
 * dense, softmax) with random weights, plus random padded id rows and the agreement check against DL4J's
 * scores; independent of the trainer's code so the fast engine and the ONNX export are checked against DL4J
 * itself.
 */
public final class ReferenceNetworks {

    private ReferenceNetworks() {
    }

    public static Architecture architecture(final int vocab, final int e, final int h, final String pooling,
            final int dense, final String denseAct, final boolean masked, final int maxlen) {
        return new Architecture("bilstm", vocab, e, h, Pooling.of(pooling), dense, denseAct, "softmax2", masked, maxlen);
    }

    /** Builds the network and overwrites every parameter with N(0, scale) so no gate is trivially 0. */
    public static MultiLayerNetwork build(final Architecture a, final long seed, final double scale) {
        final LSTM lstm = new LSTM.Builder().nIn(a.embeddingDim()).nOut(a.hiddenSize())
                .activation(Activation.TANH).build();
        final NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(a.vocabSize()).nOut(a.embeddingDim())
                        .inputLength(a.maxlen()).build());
        final Bidirectional bi = new Bidirectional(Bidirectional.Mode.CONCAT, lstm);
        if (a.pooling() == Pooling.LAST) {
            list.layer(new LastTimeStep(bi));
        } else {
            list.layer(bi);
            list.layer(new GlobalPoolingLayer.Builder(a.pooling() == Pooling.MAX ? PoolingType.MAX : PoolingType.AVG)
                    .build());
        }
        int in = 2 * a.hiddenSize();
        if (a.denseSize() > 0) {
            list.layer(new DenseLayer.Builder().nIn(in).nOut(a.denseSize())
                    .activation(Activation.fromString(a.denseActivation())).build());
            in = a.denseSize();
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(2)
                .activation(Activation.SOFTMAX).build());
        final MultiLayerConfiguration conf = list.build();
        final MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        final Random r = new Random(seed);
        final INDArray p = net.params();
        final float[] v = new float[(int) p.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        net.setParams(Nd4j.createFromArray(v).reshape(1, v.length));
        return net;
    }

    /** Random pre- or post-padded rows with lengths from {@code lengths} (cycled), ids in [1, vocab). */
    public static int[][] rows(final int n, final int maxlen, final int vocab, final int[] lengths,
            final boolean pre, final long seed) {
        final Random r = new Random(seed);
        final int[][] ids = new int[n][maxlen];
        for (int i = 0; i < n; i++) {
            final int len = Math.min(maxlen, lengths[i % lengths.length]);
            for (int k = 0; k < len; k++) {
                ids[i][pre ? maxlen - len + k : k] = 1 + r.nextInt(vocab - 1);
            }
        }
        return ids;
    }

    /**
     * {@code n} rows for the ONNX agreement tests: lengths cycle through empty, one token, full length and
     * in between, and row 3 is all OOV (id 1) at full length; ids in [1, vocab).
     */
    public static int[][] onnxProbeRows(final int n, final int maxlen, final int vocab, final boolean pre,
            final long seed) {
        final int[][] ids = rows(n, maxlen, vocab,
                new int[] {0, 1, maxlen, 2, maxlen - 1, 10, 5, maxlen, 3, 17, 1, 8}, pre, seed);
        Arrays.fill(ids[3], 1);
        return ids;
    }

    /**
     * Fails unless {@code got} has a score for every row of {@code expected}, none NaN, and the largest
     * |got - expected| is at most {@code tolerance}; the message names {@code what} and both score lists.
     */
    public static void assertAgree(final float[] got, final float[] expected, final double tolerance,
            final String what) {
        assertThat(got).as("%s: scores", what).hasSameSizeAs(expected);
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            assertThat(Float.isNaN(got[i])).as("%s row %d NaN", what, i).isFalse();
            worst = Math.max(worst, Math.abs((double) got[i] - expected[i]));
        }
        assertThat(worst).as("%s: max |p - p_dl4j| (%s vs dl4j %s)", what, Arrays.toString(got),
                Arrays.toString(expected)).isLessThanOrEqualTo(tolerance);
    }

    /**
     * P(positive) from DL4J itself, with the feature mask ids != 0 when {@code masked}; a row without any
     * token gets its last column unmasked (DL4J refuses an all-zero mask row under LastTimeStep and
     * returns NaN under pooling), the convention {@code Dl4jModel} uses too.
     */
    public static float[] dl4j(final MultiLayerNetwork net, final int[][] ids, final boolean masked) {
        final int b = ids.length;
        final int t = ids[0].length;
        final float[] f = new float[b * t];
        final float[] m = new float[b * t];
        for (int i = 0; i < b; i++) {
            boolean any = false;
            for (int k = 0; k < t; k++) {
                f[i * t + k] = ids[i][k];
                m[i * t + k] = ids[i][k] != 0 ? 1f : 0f;
                any |= ids[i][k] != 0;
            }
            if (!any) {
                m[i * t + t - 1] = 1f;
            }
        }
        final INDArray features = Nd4j.create(f, new long[] {b, t}, 'c');
        final INDArray mask = masked ? Nd4j.create(m, new long[] {b, t}, 'c') : null;
        final INDArray out;
        synchronized (net) {
            out = net.output(features, false, mask, null);
        }
        final float[] p = new float[b];
        for (int i = 0; i < b; i++) {
            p[i] = out.getFloat(i, 1);
        }
        return p;
    }
}
