package io.sentimentstreams.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EvaluatorTest {

    @Test
    void metricsMatchHandComputedValues() {
        // label:  1    1    1    0    0    0    1    0
        // score: .9   .8   .3   .6   .2   .1   .55  .4   -> predicted 1 1 0 1 0 0 1 0
        final float[] scores = {0.9f, 0.8f, 0.3f, 0.6f, 0.2f, 0.1f, 0.55f, 0.4f};
        final int[] labels = {1, 1, 1, 0, 0, 0, 1, 0};
        final int[] lengths = {5, 5, 30, 30, 30, 300, 300, 500};
        final Metrics m = Evaluator.evaluate(scores, labels, lengths, 0.5);
        assertThat(m.confusion()).isEqualTo(new Metrics.Confusion(3, 1, 3, 1));
        assertThat(m.accuracy()).isEqualTo(6.0 / 8);
        assertThat(m.precision()).isEqualTo(3.0 / 4);
        assertThat(m.recall()).isEqualTo(3.0 / 4);
        assertThat(m.f1()).isCloseTo(0.75, within(1e-12));
        // Correctly ranked (pos, neg) pairs: .9 and .8 beat all 4 negatives, .55 beats 3 (not .6), .3 beats 2 -> 13/16
        assertThat(m.auc()).isCloseTo(13.0 / 16, within(1e-12));
        final double expectedLogLoss = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.3) + Math.log(0.4)
                + Math.log(0.8) + Math.log(0.9) + Math.log(0.55) + Math.log(0.6)) / 8;
        assertThat(m.logLoss()).isCloseTo(expectedLogLoss, within(1e-6));
        assertThat(m.byLength()).containsExactly(
                new Metrics.Bucket(0, 10, 2, 1.0),
                new Metrics.Bucket(26, 50, 3, 1.0 / 3),
                new Metrics.Bucket(201, 400, 2, 1.0),
                new Metrics.Bucket(401, Integer.MAX_VALUE, 1, 1.0));
    }

    @Test
    void tiedScoresShareTheirRankInAuc() {
        assertThat(Evaluator.auc(new float[] {0.5f, 0.5f}, new int[] {1, 0})).isEqualTo(0.5);
        assertThat(Evaluator.auc(new float[] {0.7f, 0.5f, 0.5f}, new int[] {1, 1, 0})).isEqualTo(0.75);
    }

    @Test
    void aucIsUndefinedWithOneClassAndPrecisionZeroWithoutPositivePredictions() {
        final Metrics m = Evaluator.evaluate(new float[] {0.1f, 0.2f}, new int[] {0, 0}, null, 0.5);
        assertThat(m.auc()).isNaN();
        assertThat(m.precision()).isZero();
        assertThat(m.f1()).isZero();
        assertThat(m.accuracy()).isEqualTo(1.0);
    }
}
