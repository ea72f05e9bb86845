package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.cli.model.OrtModel;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.model.fast.ReferenceNetworks;
import io.sentimentstreams.model.onnx.OnnxExport;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** model.onnx run by ONNX Runtime agrees with DL4J to 1e-5 for every pooling and padding mode. */
class OnnxExportTest {

    private static final double TOLERANCE = 1e-5;

    static Stream<Arguments> shapes() {
        final List<Arguments> list = new ArrayList<>();
        for (final String pooling : new String[] {"last", "max", "mean"}) {
            for (final boolean masked : new boolean[] {true, false}) {
                for (final boolean pre : new boolean[] {true, false}) {
                    list.add(Arguments.of(pooling, masked, pre, 13, 6, "relu"));
                }
            }
            list.add(Arguments.of(pooling, true, true, 32, 0, "relu"));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} masked={1} pre={2} H={3} dense={4}")
    @MethodSource("shapes")
    void onnxRuntimeAgreesWithDl4j(final String pooling, final boolean masked, final boolean pre, final int h,
            final int dense, final String act) throws Exception {
        final Architecture a = ReferenceNetworks.architecture(120, 9, h, pooling, dense, act, masked, 21);
        final MultiLayerNetwork net = ReferenceNetworks.build(a, 100 + h, 0.5);
        final int[][] ids = ReferenceNetworks.onnxProbeRows(24, 21, 120, pre, 77);
        try (OrtModel ort = new OrtModel(OnnxExport.export(net, a), 1)) {
            ReferenceNetworks.assertAgree(ort.score(ids), ReferenceNetworks.dl4j(net, ids, masked), TOLERANCE,
                    "ONNX Runtime");
        }
    }

    @Test
    void networksOutsideTheExportableShapeAreRefusedWithAReason() {
        final MultiLayerNetwork rnn = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(10).nOut(4).build())
                .layer(new SimpleRnn.Builder().nIn(4).nOut(3).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        rnn.init();
        final Architecture a = new Architecture("simplernn", 10, 4, 3, Pooling.MAX, 0, "relu", "softmax2", true, 5);
        assertThatThrownBy(() -> OnnxExport.export(rnn, a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LSTM");
    }
}
