package io.sentimentstreams.model.dl4j;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import java.util.Locale;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the DL4J network for an {@link Architecture} and a seed: the one place that decides the layer
 * stack, so the trainer, the DL4J engine and the documented contract of the fast engine cannot drift.
 *
 * <p>Layer indices are fixed per type (the fast engine and the ONNX export read parameters by them):
 * {@code bilstm}/{@code lstm}/{@code simplernn}: 0 embedding [vocabSize, E] (no bias), 1 recurrent layer
 * (for {@code bilstm} a {@code Bidirectional(CONCAT, LSTM)} with params {@code fW, fRW, fb, bW, bRW, bb}),
 * 2 time pooling ({@code GlobalPoolingLayer}; for {@code last} the recurrent layer is wrapped in
 * {@code LastTimeStep} instead and there is no separate pooling layer), then the optional dense layer,
 * then the 2-way softmax output. {@code embedding-dense} is embedding then flatten then dense then output.
 */
public final class NetworkFactory {

    /** Training-only knobs that do not change the forward pass and so are not in {@link Architecture}. */
    public record TrainingKnobs(double learningRate, double dropout, double l2, double clip,
                                boolean freezeEmbedding) {

        public static TrainingKnobs defaults() {
            return new TrainingKnobs(2e-3, 0.0, 0.0, 1.0, false);
        }
    }

    private NetworkFactory() {
    }

    /** A network for inference or for loading weights into (default training knobs). */
    public static MultiLayerNetwork build(final Architecture a, final long seed) {
        return build(a, seed, TrainingKnobs.defaults());
    }

    public static MultiLayerNetwork build(final Architecture a, final long seed, final TrainingKnobs knobs) {
        final MultiLayerNetwork net = new MultiLayerNetwork(configuration(a, seed, knobs));
        net.init();
        return net;
    }

    public static MultiLayerConfiguration configuration(final Architecture a, final long seed,
                                                        final TrainingKnobs knobs) {
        validate(a);
        final NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(knobs.learningRate()))
                .weightInit(WeightInit.XAVIER)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
        if (knobs.l2() > 0) {
            base.l2(knobs.l2());
        }
        if (knobs.clip() > 0) {
            base.gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                    .gradientNormalizationThreshold(knobs.clip());
        }
        final NeuralNetConfiguration.ListBuilder list = base.list();
        int layer = 0;
        final EmbeddingSequenceLayer.Builder embedding = new EmbeddingSequenceLayer.Builder()
                .nIn(a.vocabSize()).nOut(a.embeddingDim())
                .inputLength(a.maxlen()).inferInputLength(true)
                .hasBias(false)
                .outputDataFormat(RNNFormat.NCW);
        if (knobs.freezeEmbedding()) {
            embedding.updater(new NoOp()).l2(0.0);
        }
        list.layer(layer++, embedding.build());
        final String type = a.type().toLowerCase(Locale.ROOT);
        long width;
        if ("embedding-dense".equals(type)) {
            width = (long) a.embeddingDim() * a.maxlen();
        } else {
            final Layer recurrent = recurrent(type, a, knobs);
            final Layer wrapped = "bilstm".equals(type)
                    ? new Bidirectional(Bidirectional.Mode.CONCAT, recurrent) : recurrent;
            width = "bilstm".equals(type) ? 2L * a.hiddenSize() : a.hiddenSize();
            if (a.pooling() == Pooling.LAST) {
                list.layer(layer++, new LastTimeStep(wrapped));
            } else {
                list.layer(layer++, wrapped);
                list.layer(layer++, new GlobalPoolingLayer.Builder(
                        a.pooling() == Pooling.MAX ? PoolingType.MAX : PoolingType.AVG)
                        .collapseDimensions(true).build());
            }
        }
        if (a.denseSize() > 0) {
            final DenseLayer.Builder dense = new DenseLayer.Builder().nIn(width).nOut(a.denseSize())
                    .activation(activation(a.denseActivation()));
            if (knobs.dropout() > 0) {
                dense.dropOut(new Dropout(1.0 - knobs.dropout()));
            }
            list.layer(layer++, dense.build());
            width = a.denseSize();
        }
        final OutputLayer.Builder out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(width).nOut(2).activation(Activation.SOFTMAX);
        if (knobs.dropout() > 0 && a.denseSize() <= 0) {
            out.dropOut(new Dropout(1.0 - knobs.dropout()));
        }
        list.layer(layer, out.build());
        if ("embedding-dense".equals(type)) {
            list.inputPreProcessor(1, new FlattenSequencePreProcessor(a.embeddingDim(), a.maxlen()));
        }
        // No setInputType: it would overwrite the embedding's nIn with the input's feature count (1).
        return list.build();
    }

    private static Layer recurrent(final String type, final Architecture a, final TrainingKnobs knobs) {
        final Layer layer;
        switch (type) {
            case "bilstm", "lstm" -> {
                final LSTM.Builder b = new LSTM.Builder().nIn(a.embeddingDim()).nOut(a.hiddenSize())
                        .activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
                        .dataFormat(RNNFormat.NCW);
                if (knobs.dropout() > 0) {
                    b.dropOut(new Dropout(1.0 - knobs.dropout()));
                }
                layer = b.build();
            }
            case "simplernn" -> {
                final SimpleRnn.Builder b = new SimpleRnn.Builder().nIn(a.embeddingDim()).nOut(a.hiddenSize())
                        .activation(Activation.TANH).dataFormat(RNNFormat.NCW);
                if (knobs.dropout() > 0) {
                    b.dropOut(new Dropout(1.0 - knobs.dropout()));
                }
                layer = b.build();
            }
            default -> throw new IllegalArgumentException("unsupported architecture type: " + a.type());
        }
        return layer;
    }

    private static Activation activation(final String name) {
        return switch (name == null ? "relu" : name.toLowerCase(Locale.ROOT)) {
            case "relu" -> Activation.RELU;
            case "tanh" -> Activation.TANH;
            case "sigmoid" -> Activation.SIGMOID;
            case "identity", "linear" -> Activation.IDENTITY;
            default -> throw new IllegalArgumentException("unsupported dense activation: " + name);
        };
    }

    /** Throws {@link IllegalArgumentException} naming the first field this factory cannot build. */
    public static void validate(final Architecture a) {
        final String type = a.type() == null ? "" : a.type().toLowerCase(Locale.ROOT);
        if (!type.equals("bilstm") && !type.equals("lstm") && !type.equals("simplernn")
                && !type.equals("embedding-dense")) {
            throw new IllegalArgumentException("unsupported architecture type: " + a.type());
        }
        if (a.vocabSize() < 2 || a.embeddingDim() < 1 || a.maxlen() < 1) {
            throw new IllegalArgumentException("vocabSize, embeddingDim and maxlen must be positive: " + a);
        }
        if (!type.equals("embedding-dense") && a.hiddenSize() < 1) {
            throw new IllegalArgumentException("hiddenSize must be positive for " + a.type());
        }
        if (!type.equals("embedding-dense") && a.pooling() == null) {
            throw new IllegalArgumentException("pooling must be last, max or mean: " + a.pooling());
        }
        if (a.output() != null && !"softmax2".equals(a.output())) {
            throw new IllegalArgumentException("only the softmax2 output is built: " + a.output());
        }
    }
}
