package io.sentimentstreams.model.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The padding facts docs/model.md relies on, checked on random weights for every pooling. */
class Dl4jModelTest {

    private static final int[][] ROWS = {
        {0, 0, 0, 0, 0, 0, 0, 5, 6, 7, 8, 9},
        {0, 0, 0, 0, 3, 4, 5, 6, 7, 8, 9, 10}};

    private static Dl4jModel model(final String pooling, final boolean masked) {
        final Architecture a = new Architecture("bilstm", 50, 8, 6, Pooling.of(pooling), 0, "relu", "softmax2", masked, 12);
        return new Dl4jModel(NetworkFactory.build(a, 42), a);
    }

    @ParameterizedTest
    @ValueSource(strings = {"max", "mean", "last"})
    void maskedRowScoresExactlyLikeItsTokensAlone(final String pooling) {
        final Dl4jModel m = model(pooling, true);
        final MultiLayerNetwork net = m.network();
        final float[] batch = m.score(ROWS);
        // Row 0's five tokens alone, no padding, no mask.
        final float alone = net.output(Dl4jModel.features(new int[][] {ROWS[0]}, 7, 12), false, null, null)
                .getFloat(0, 1);
        assertThat(batch[0]).isCloseTo(alone, within(1e-6f));
        // Full width with a mask equals the trimmed batch Dl4jModel feeds.
        final float full = net.output(Dl4jModel.features(ROWS, 0, 12), false, Dl4jModel.featureMask(ROWS, 0, 12),
                null).getFloat(1, 1);
        assertThat(batch[1]).isCloseTo(full, within(1e-6f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"max", "mean"})
    void withoutAMaskPaddingChangesTheScore(final String pooling) {
        final Dl4jModel m = model(pooling, false);
        final float padded = m.score(new int[][] {ROWS[0]})[0];
        final float alone = m.network().output(Dl4jModel.features(new int[][] {ROWS[0]}, 7, 12), false, null, null)
                .getFloat(0, 1);
        assertThat(Math.abs(padded - alone)).isGreaterThan(1e-4f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"max", "mean", "last"})
    void allPaddingRowGetsAFiniteScore(final String pooling) {
        final float[] p = model(pooling, true).score(new int[][] {new int[12], ROWS[1]});
        assertThat(p[0]).isBetween(0f, 1f);
        assertThat(p[1]).isBetween(0f, 1f);
    }

    @Test
    void activeColumnsAndMaskFollowTheConvention() {
        assertThat(Dl4jModel.activeColumns(ROWS)).containsExactly(4, 12);
        assertThat(Dl4jModel.activeColumns(new int[][] {new int[12]})).containsExactly(11, 12);
        assertThat(Dl4jModel.featureMask(new int[][] {{0, 0, 3}, {0, 0, 0}}, 0, 3).toFloatMatrix())
                .isEqualTo(new float[][] {{0, 0, 1}, {0, 0, 1}});
    }
}
