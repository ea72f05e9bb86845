package io.sentimentstreams.model.fast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.bundle.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The fast engine against DL4J itself on random weights, across poolings, masking, padding and sizes. */
class FastBiLstmAgreementTest {

    /** Random weights are N(0, 0.5), far from a trained net's; agreement must still be float-rounding close. */
    private static final double TOLERANCE = 2e-6;

    static Stream<Arguments> shapes() {
        final List<Arguments> list = new ArrayList<>();
        for (final String pooling : new String[] {"last", "max", "mean"}) {
            for (final boolean masked : new boolean[] {true, false}) {
                for (final boolean pre : new boolean[] {true, false}) {
                    // H = 13: not a multiple of any vector width; dense 5 relu.
                    list.add(Arguments.of(pooling, masked, pre, 97, 7, 13, 5, "relu", 23));
                }
            }
            // H = 16 exactly one AVX-512 vector, no dense layer; H = 33 spills into a third vector, tanh dense.
            list.add(Arguments.of(pooling, true, true, 50, 16, 16, 0, "relu", 12));
            list.add(Arguments.of(pooling, false, true, 61, 9, 33, 7, "tanh", 17));
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} masked={1} pre={2} V={3} E={4} H={5} dense={6}{7} T={8}")
    @MethodSource("shapes")
    void fastAgreesWithDl4jOnRandomWeights(final String pooling, final boolean masked, final boolean pre,
            final int vocab, final int e, final int h, final int dense, final String act, final int maxlen)
            throws Exception {
        final Architecture a = ReferenceNetworks.architecture(vocab, e, h, pooling, dense, act, masked, maxlen);
        final MultiLayerNetwork net = ReferenceNetworks.build(a, 7 + h, 0.5);
        final int[][] ids = edgeCaseRows(maxlen, vocab, pre);
        final float[] expected = ReferenceNetworks.dl4j(net, ids, masked);
        for (final int threads : new int[] {1, 2, 3}) {
            try (FastBiLstm fast = FastBiLstm.create(net, a, threads)) {
                final float[] got = fast.score(ids);
                ReferenceNetworks.assertAgree(got, expected, TOLERANCE, pooling + " threads=" + threads);
                // One review at a time takes the per-direction split path; it must give the same numbers.
                for (final int i : new int[] {0, 1, 2, 3, ids.length - 1}) {
                    assertThat(fast.score(new int[][] {ids[i]})[0]).isEqualTo(got[i]);
                }
            }
        }
    }

    @Test
    void manyReviewsSpanSeveralBlocksAndStillAgree() throws Exception {
        final Architecture a = ReferenceNetworks.architecture(300, 12, 20, "max", 8, "relu", true, 40);
        final MultiLayerNetwork net = ReferenceNetworks.build(a, 3, 0.4);
        final int[][] ids = ReferenceNetworks.rows(300, 40, 300, new int[] {40, 1, 7, 33, 20, 0, 39, 2}, true, 5);
        try (FastBiLstm fast = FastBiLstm.create(net, a, 2)) {
            ReferenceNetworks.assertAgree(fast.score(ids), ReferenceNetworks.dl4j(net, ids, true), TOLERANCE, "300 rows");
        }
    }

    /**
     * Weights of scale 4 put most gate pre-activations around +-50, far past exp's clamp at +-20, and let
     * the cell state grow over 60 steps: the clamped, two-division cell must still give DL4J's
     * probabilities. The bound is looser than {@link #TOLERANCE} because near-ties in max pooling amplify
     * float rounding in such a net (the earlier five-division cell measured 3.6e-6 here, this one 1.8e-6).
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"last", "max", "mean"})
    void saturatedGatesAndLargeCellStatesStillAgree(final String pooling) throws Exception {
        final Architecture a = ReferenceNetworks.architecture(120, 10, 20, pooling, 0, "relu", true, 60);
        final MultiLayerNetwork net = ReferenceNetworks.build(a, 5, 4.0);
        final int[][] ids = ReferenceNetworks.rows(40, 60, 120, new int[] {60, 1, 30, 59, 12}, true, 13);
        try (FastBiLstm fast = FastBiLstm.create(net, a, 2)) {
            ReferenceNetworks.assertAgree(fast.score(ids), ReferenceNetworks.dl4j(net, ids, true), 1e-5,
                    pooling + " saturated");
        }
    }

    @Test
    void concurrentCallersGetTheSameScoresAsOneCaller() throws Exception {
        final Architecture a = ReferenceNetworks.architecture(200, 10, 24, "mean", 6, "relu", true, 30);
        final MultiLayerNetwork net = ReferenceNetworks.build(a, 11, 0.4);
        final int[][] ids = ReferenceNetworks.rows(70, 30, 200, new int[] {30, 3, 17, 1, 25}, true, 9);
        try (FastBiLstm fast = FastBiLstm.create(net, a, 2)) {
            final float[] single = fast.score(ids);
            final ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                final List<Future<float[]>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(callers.submit(() -> fast.score(ids)));
                }
                for (final Future<float[]> f : results) {
                    assertThat(f.get()).containsExactly(single);
                }
            } finally {
                callers.shutdownNow();
            }
        }
    }

    @Test
    void idsOutsideTheVocabularyAndWrongLengthsAreRejected() throws Exception {
        final Architecture a = ReferenceNetworks.architecture(20, 4, 5, "last", 0, "relu", true, 6);
        try (FastBiLstm fast = FastBiLstm.create(ReferenceNetworks.build(a, 1, 0.5), a, 2)) {
            assertThatThrownBy(() -> fast.score(new int[][] {{0, 0, 0, 0, 3, 20}}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the vocabulary");
            assertThatThrownBy(() -> fast.score(new int[][] {{1, 2, 3}}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 ids");
            assertThat(fast.score(new int[0][])).isEmpty();
        }
    }

    /**
     * Rows 0..3 are the edge cases (empty, one token, all OOV, full length); then a row with a gap in the
     * middle (mask resets the state there), then random lengths; ids in [1, vocab).
     */
    static int[][] edgeCaseRows(final int maxlen, final int vocab, final boolean pre) {
        final int[][] ids = ReferenceNetworks.rows(20, maxlen, vocab,
                new int[] {0, 1, maxlen, maxlen, 2, maxlen - 1, maxlen / 2, 3, 1, maxlen, 5, 7, 4, maxlen, 2, 6, 9,
                    1, 0, maxlen}, pre, maxlen * 31L + vocab);
        java.util.Arrays.fill(ids[2], 1);
        ids[4] = new int[maxlen];
        ids[4][1] = 3;
        ids[4][maxlen - 2] = vocab - 1;
        ids[4][maxlen / 2] = 1;
        return ids;
    }
}
