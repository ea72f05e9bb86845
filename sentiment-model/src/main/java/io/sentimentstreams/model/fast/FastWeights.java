package io.sentimentstreams.model.fast;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads a DL4J network's configuration and parameters into the fast engine's layout, or refuses with the
 * reason: embedding (any per-row activation, optional bias) folded with each direction's input weights
 * and bias into one [vocab + 1, 4*hp] table (the extra row is a masked step's all-zero input); recurrent weights [H, 4*hp]; head layers padded to whole vectors.
 *
 * <p>DL4J's LSTM (inside {@code Bidirectional}: params {@code fW, fRW, fb, bW, bRW, bb}) stores
 * W [nIn, 4H], RW [H, 4H] and b [4H] and computes x·W + h·RW + b with the four gate blocks in the order
 * [block input (tanh), forget, output, input gate]; we keep that order, each block padded from H to hp.
 */
record FastWeights(int vocab, int maxlen, int hidden, int hp, boolean masked, Pooling pooling,
                   float[][] table, float[][] rw, FastBiLstm.Dense[] head, boolean softmax2) {

    static FastWeights extract(final MultiLayerNetwork net, final Architecture arch, final int lanes)
            throws UnsupportedArchitectureException {
        final List<NeuralNetConfiguration> confs = net.getLayerWiseConfigurations().getConfs();
        if (!net.getLayerWiseConfigurations().getInputPreProcessors().isEmpty()) {
            throw new UnsupportedArchitectureException("fast engine: input preprocessors are not supported ("
                    + net.getLayerWiseConfigurations().getInputPreProcessors() + ")");
        }
        int idx = 0;
        if (confs.isEmpty() || !(confs.get(0).getLayer() instanceof EmbeddingSequenceLayer emb)) {
            throw unsupported(confs, 0, "an EmbeddingSequenceLayer first");
        }
        idx++;
        final INDArray embW = net.getParam("0_W");
        final INDArray embB = net.getLayer(0).paramTable().containsKey("b") ? net.getParam("0_b") : null;
        final int vocab = (int) embW.size(0);
        final int e = (int) embW.size(1);

        // Recurrent layer: Bidirectional(CONCAT, LSTM) or LSTM, optionally inside LastTimeStep.
        if (confs.size() <= idx) {
            throw unsupported(confs, idx, "a recurrent layer");
        }
        Layer rec = confs.get(idx).getLayer();
        Pooling pooling = null;
        if (rec instanceof LastTimeStep lts) {
            rec = lts.getUnderlying();
            pooling = Pooling.LAST;
        }
        final boolean bidirectional;
        final LSTM lstm;
        if (rec instanceof Bidirectional bi) {
            if (bi.getMode() != Bidirectional.Mode.CONCAT) {
                throw new UnsupportedArchitectureException("fast engine: Bidirectional mode " + bi.getMode()
                        + " (only CONCAT)");
            }
            if (!(bi.getFwd() instanceof LSTM f) || bi.getFwd().getClass() != LSTM.class) {
                throw unsupported(confs, idx, "Bidirectional(LSTM)");
            }
            lstm = f;
            bidirectional = true;
        } else if (rec != null && rec.getClass() == LSTM.class) {
            lstm = (LSTM) rec;
            bidirectional = false;
        } else {
            throw unsupported(confs, idx, "LSTM or Bidirectional(LSTM) (GravesLSTM, SimpleRnn, ... are not)");
        }
        if (!(lstm.getGateActivationFn() instanceof ActivationSigmoid)
                || !(lstm.getActivationFn() instanceof ActivationTanH)) {
            throw new UnsupportedArchitectureException("fast engine: LSTM activations must be sigmoid gates and "
                    + "tanh cell, got " + lstm.getGateActivationFn() + " / " + lstm.getActivationFn());
        }
        final String p = idx + "_";
        final String[] prefixes = bidirectional ? new String[] {"f", "b"} : new String[] {""};
        final int hidden = (int) net.getParam(p + prefixes[0] + "RW").size(0);
        idx++;
        if (pooling == null) {
            if (confs.size() <= idx || !(confs.get(idx).getLayer() instanceof GlobalPoolingLayer gp)) {
                throw unsupported(confs, idx, "a GlobalPoolingLayer (or the recurrent layer in LastTimeStep)");
            }
            pooling = switch (gp.getPoolingType()) {
                case MAX -> Pooling.MAX;
                case AVG -> Pooling.MEAN;
                default -> throw new UnsupportedArchitectureException("fast engine: pooling " + gp.getPoolingType()
                        + " (only MAX, AVG or LastTimeStep)");
            };
            idx++;
        }

        final int hp = roundUp(hidden, lanes);
        final int g = 4 * hp;
        if ((long) (vocab + 1) * g > Integer.MAX_VALUE - g) {
            throw new UnsupportedArchitectureException("fast engine: folded table of " + vocab + " x " + g
                    + " floats exceeds one Java array");
        }
        INDArray x = embB == null ? embW.dup() : embW.addRowVector(embB);
        x = activation(emb).getActivation(x, false).castTo(DataType.FLOAT);
        final float[][] table = new float[prefixes.length][];
        final float[][] rw = new float[prefixes.length][];
        for (int d = 0; d < prefixes.length; d++) {
            final INDArray w = net.getParam(p + prefixes[d] + "W");
            final INDArray r = net.getParam(p + prefixes[d] + "RW");
            final INDArray bias = net.getParam(p + prefixes[d] + "b");
            if (w.size(0) != e || w.size(1) != 4L * hidden || r.size(0) != hidden || r.size(1) != 4L * hidden
                    || bias.length() != 4L * hidden) {
                throw new UnsupportedArchitectureException("fast engine: unexpected LSTM parameter shapes W "
                        + java.util.Arrays.toString(w.shape()) + ", RW " + java.util.Arrays.toString(r.shape())
                        + " (peephole LSTMs are not supported)");
            }
            final INDArray folded = x.mmul(w.castTo(DataType.FLOAT)).addiRowVector(bias.reshape(1, 4L * hidden));
            // One extra row at index vocab: a masked step's input. DL4J's EmbeddingSequenceLayer zeroes
            // masked steps, so their folded row is the bias alone.
            final float[][] rows = folded.toFloatMatrix();
            final float[][] withZero = java.util.Arrays.copyOf(rows, rows.length + 1);
            withZero[rows.length] = bias.castTo(DataType.FLOAT).toFloatVector();
            table[d] = padGates(withZero, hidden, hp);
            rw[d] = padGates(r.castTo(DataType.FLOAT).toFloatMatrix(), hidden, hp);
        }

        // Head: dense layers, then the output layer.
        final List<FastBiLstm.Dense> head = new ArrayList<>();
        int inWidth = prefixes.length * hidden;
        int[] inMap = featureMap(prefixes.length, hidden, hp);
        int inP = prefixes.length * hp;
        boolean softmax2 = false;
        for (; idx < confs.size(); idx++) {
            final Layer l = confs.get(idx).getLayer();
            final String lp = idx + "_";
            final INDArray w = net.getParam(lp + "W");
            final INDArray bias = net.getLayer(idx).paramTable().containsKey("b") ? net.getParam(lp + "b") : null;
            if (l instanceof OutputLayer out) {
                final int nOut = (int) out.getNOut();
                if (out.getActivationFn() instanceof ActivationSoftmax && nOut == 2) {
                    softmax2 = true;
                } else if (!(out.getActivationFn() instanceof ActivationSigmoid && nOut == 1)) {
                    throw new UnsupportedArchitectureException("fast engine: output must be softmax over 2 or "
                            + "sigmoid over 1, got " + out.getActivationFn() + " over " + nOut);
                }
                head.add(dense(w, bias, inWidth, inMap, inP, lanes, FastBiLstm.Act.IDENTITY));
                if (idx != confs.size() - 1) {
                    throw unsupported(confs, idx + 1, "nothing after the output layer");
                }
                return new FastWeights(vocab, arch.maxlen(), hidden, hp, arch.masked(), pooling, table, rw,
                        head.toArray(new FastBiLstm.Dense[0]), softmax2);
            }
            if (!(l instanceof DenseLayer dl)) {
                throw unsupported(confs, idx, "DenseLayer or OutputLayer");
            }
            final FastBiLstm.Act act = act(dl.getActivationFn());
            final FastBiLstm.Dense dense = dense(w, bias, inWidth, inMap, inP, lanes, act);
            head.add(dense);
            inWidth = dense.out();
            inP = dense.outP();
            inMap = identityMap(inWidth);
        }
        throw unsupported(confs, idx, "an OutputLayer at the end");
    }

    private static FastBiLstm.Dense dense(final INDArray w, final INDArray bias, final int inWidth, final int[] inMap,
            final int inP, final int lanes, final FastBiLstm.Act act) throws UnsupportedArchitectureException {
        return dense(w.castTo(DataType.FLOAT).toFloatMatrix(), bias == null ? null
                : bias.castTo(DataType.FLOAT).toFloatVector(), inWidth, inMap, inP, lanes, act);
    }

    /** {@code m} is [in, out] (DL4J's and our ONNX export's dense layout). */
    static FastBiLstm.Dense dense(final float[][] m, final float[] bias, final int inWidth, final int[] inMap,
            final int inP, final int lanes, final FastBiLstm.Act act) throws UnsupportedArchitectureException {
        if (m.length != inWidth) {
            throw new UnsupportedArchitectureException("fast engine: dense layer expects " + m.length
                    + " inputs, the layer before gives " + inWidth);
        }
        final int out = m.length == 0 ? 0 : m[0].length;
        final int outP = roundUp(out, lanes);
        final float[] pw = new float[inP * outP];
        for (int i = 0; i < inWidth; i++) {
            System.arraycopy(m[i], 0, pw, inMap[i] * outP, out);
        }
        final float[] pb = new float[outP];
        if (bias != null) {
            System.arraycopy(bias, 0, pb, 0, out);
        }
        return new FastBiLstm.Dense(pw, pb, inP, out, outP, act);
    }

    /** Where pooled feature i (forward units, then backward units) sits in the padded feature row. */
    static int[] featureMap(final int dirs, final int hidden, final int hp) {
        final int[] map = new int[dirs * hidden];
        for (int d = 0; d < dirs; d++) {
            for (int j = 0; j < hidden; j++) {
                map[d * hidden + j] = d * hp + j;
            }
        }
        return map;
    }

    static int[] identityMap(final int n) {
        final int[] map = new int[n];
        for (int i = 0; i < n; i++) {
            map[i] = i;
        }
        return map;
    }

    /** [rows, 4H] with DL4J's gate blocks → [rows, 4*hp], block k at k*hp, padding zero. */
    static float[] padGates(final float[][] m, final int hidden, final int hp) {
        final int g = 4 * hp;
        final float[] out = new float[m.length * g];
        for (int r = 0; r < m.length; r++) {
            for (int k = 0; k < 4; k++) {
                System.arraycopy(m[r], k * hidden, out, r * g + k * hp, hidden);
            }
        }
        return out;
    }

    private static IActivation activation(final EmbeddingSequenceLayer emb) {
        final IActivation a = emb.getActivationFn();
        return a == null ? new ActivationIdentity() : a;
    }

    private static FastBiLstm.Act act(final IActivation a) throws UnsupportedArchitectureException {
        if (a instanceof ActivationReLU r) {
            // Plain ReLU only: a thresholded or leaky variant would need its parameters mirrored.
            if (r.getMax() == null && isZero(r.getThreshold()) && isZero(r.getNegativeSlope())) {
                return FastBiLstm.Act.RELU;
            }
        } else if (a instanceof ActivationTanH) {
            return FastBiLstm.Act.TANH;
        } else if (a instanceof ActivationSigmoid) {
            return FastBiLstm.Act.SIGMOID;
        } else if (a instanceof ActivationIdentity) {
            return FastBiLstm.Act.IDENTITY;
        }
        throw new UnsupportedArchitectureException("fast engine: dense activation " + a
                + " (relu, tanh, sigmoid, identity)");
    }

    private static UnsupportedArchitectureException unsupported(final List<NeuralNetConfiguration> confs,
            final int idx, final String expected) {
        final String got = idx < confs.size() ? String.valueOf(confs.get(idx).getLayer().getClass().getSimpleName())
                : "nothing";
        return new UnsupportedArchitectureException("fast engine: layer " + idx + " must be " + expected
                + ", got " + got);
    }

    static int roundUp(final int n, final int m) {
        return (n + m - 1) / m * m;
    }

    private static boolean isZero(final Double d) {
        return d == null || d == 0.0;
    }
}
