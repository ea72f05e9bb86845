package io.sentimentstreams.model.fast;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.model.onnx.OnnxExport;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast engine built from {@code model.onnx} (no DL4J) scores what the DL4J network scores, for every
 * pooling and padding mode and for hidden sizes that are and are not multiples of the vector width.
 */
class OnnxWeightsTest {

    static Stream<Arguments> shapes() {
        final List<Arguments> list = new ArrayList<>();
        for (final String pooling : new String[] {"last", "max", "mean"}) {
            for (final boolean masked : new boolean[] {true, false}) {
                list.add(Arguments.of(pooling, masked, true, 13, 6, "relu"));
            }
            list.add(Arguments.of(pooling, true, false, 32, 0, "relu"));
            list.add(Arguments.of(pooling, true, true, 5, 3, "tanh"));
        }
        list.add(Arguments.of("max", true, true, 17, 4, "sigmoid"));
        list.add(Arguments.of("max", false, false, 16, 4, "identity"));
        return list.stream();
    }

    @ParameterizedTest(name = "{0} masked={1} pre={2} H={3} dense={4} {5}")
    @MethodSource("shapes")
    void fromOnnxAgreesWithDl4j(final String pooling, final boolean masked, final boolean pre, final int h,
            final int dense, final String act) throws Exception {
        final Architecture a = ReferenceNetworks.architecture(150, 9, h, pooling, dense, act, masked, 23);
        final MultiLayerNetwork net = ReferenceNetworks.build(a, 200 + h, 0.5);
        final int[][] ids = ReferenceNetworks.onnxProbeRows(30, 23, 150, pre, 91);
        try (FastBiLstm fast = FastBiLstm.fromOnnx(OnnxExport.export(net, a), a)) {
            ReferenceNetworks.assertAgree(fast.score(ids), ReferenceNetworks.dl4j(net, ids, masked), 1e-5,
                    "fast from model.onnx");
        }
    }

    @Test
    void aModelThatIsNotOursOrDoesNotMatchTheBundleIsRefusedWithAReason() {
        final Architecture a = ReferenceNetworks.architecture(40, 4, 3, "max", 0, "relu", true, 7);
        final byte[] onnx = OnnxExport.export(ReferenceNetworks.build(a, 1, 0.3), a);
        assertThatThrownBy(() -> FastBiLstm.fromOnnx(new byte[] {1, 2, 3, 4, 5}, a))
                .isInstanceOf(UnsupportedArchitectureException.class).hasMessageContaining("model.onnx");
        final Architecture mean = ReferenceNetworks.architecture(40, 4, 3, "mean", 0, "relu", true, 7);
        assertThatThrownBy(() -> FastBiLstm.fromOnnx(onnx, mean))
                .isInstanceOf(UnsupportedArchitectureException.class).hasMessageContaining("does not match");
        final Architecture bigger = ReferenceNetworks.architecture(41, 4, 3, "max", 0, "relu", true, 7);
        assertThatThrownBy(() -> FastBiLstm.fromOnnx(onnx, bigger))
                .isInstanceOf(UnsupportedArchitectureException.class).hasMessageContaining("embedding rows");
    }
}
