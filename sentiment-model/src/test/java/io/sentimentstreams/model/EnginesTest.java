package io.sentimentstreams.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.model.fast.ReferenceNetworks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Engine selection on load: the canary decides between fast and dl4j, and says why. */
class EnginesTest {

    @TempDir
    Path tmp;

    @Test
    void fastServesWhenTheCanaryAgrees() throws Exception {
        final Architecture a = ReferenceNetworks.architecture(500, 16, 24, "max", 8, "relu", true, 50);
        final ModelBundle bundle = TestBundles.write(tmp.resolve("b"), ReferenceNetworks.build(a, 5, 0.3), a);
        try (LoadedModel fast = Engines.load(bundle, EngineChoice.FAST);
             LoadedModel dl4j = Engines.load(bundle, EngineChoice.DL4J)) {
            assertThat(fast.engine()).isEqualTo("fast");
            assertThat(fast.model().engine()).isEqualTo("fast");
            assertThat(fast.canary().status()).isEqualTo(CanaryResult.Status.PASSED);
            assertThat(fast.canary().reviews()).isEqualTo(Canary.DEFAULT_REVIEWS);
            assertThat(fast.canary().maxAbsDiff()).isLessThanOrEqualTo(Canary.TOLERANCE);
            assertThat(dl4j.engine()).isEqualTo("dl4j");
            assertThat(dl4j.canary().status()).isEqualTo(CanaryResult.Status.NOT_RUN);
            final int[][] ids = Canary.inputs(bundle, 40);
            ReferenceNetworks.assertAgree(fast.score(ids), dl4j.score(ids), 1e-5, "fast vs dl4j engine");
        }
    }

    @Test
    void aStoredCanaryLetsFastServeFromOnnxWithoutDl4j() throws Exception {
        final Architecture a = ReferenceNetworks.architecture(500, 16, 24, "max", 8, "relu", true, 50);
        final MultiLayerNetwork net = ReferenceNetworks.build(a, 5, 0.3);
        final ModelBundle bundle = TestBundles.writeWithStoredCanary(tmp.resolve("stored"), net, a, 0f);
        try (LoadedModel fast = Engines.load(bundle, EngineChoice.FAST)) {
            assertThat(fast.engine()).isEqualTo("fast");
            assertThat(fast.canary().status()).isEqualTo(CanaryResult.Status.PASSED);
            assertThat(fast.canary().reason()).contains("stored in canary.tsv");
            assertThat(fast.canary().reviews()).isEqualTo(Canary.DEFAULT_REVIEWS);
            final int[][] ids = ReferenceNetworks.rows(20, 50, 500, new int[] {0, 1, 7, 50, 33}, true, 3);
            ReferenceNetworks.assertAgree(fast.score(ids), ReferenceNetworks.dl4j(net, ids, true), 1e-5,
                    "fast from a stored canary");
        }
    }

    @Test
    void aStoredCanaryThatDisagreesFallsBackToTheLiveDl4jCheck() throws Exception {
        final Architecture a = ReferenceNetworks.architecture(300, 8, 10, "last", 0, "relu", true, 30);
        final ModelBundle bundle = TestBundles.writeWithStoredCanary(tmp.resolve("tampered"),
                ReferenceNetworks.build(a, 9, 0.3), a, 0.01f);
        try (LoadedModel m = Engines.load(bundle, EngineChoice.FAST)) {
            // The stored figures are off by 0.01, so the live comparison against DL4J decides: fast is right.
            assertThat(m.engine()).isEqualTo("fast");
            assertThat(m.canary().reason()).contains("agrees with dl4j").doesNotContain("stored");
        }
    }

    @Test
    void unsupportedArchitectureFallsBackToDl4jWithTheReason() throws Exception {
        final Architecture a = new Architecture("simplernn", 100, 8, 6, Pooling.MAX, 0, "relu", "softmax2", true, 20);
        final MultiLayerNetwork rnn = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(100).nOut(8).build())
                .layer(new SimpleRnn.Builder().nIn(8).nOut(6).activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        rnn.init();
        final ModelBundle bundle = TestBundles.write(tmp.resolve("rnn"), rnn, a);
        try (LoadedModel m = Engines.load(bundle, EngineChoice.FAST)) {
            assertThat(m.engine()).isEqualTo("dl4j");
            assertThat(m.canary().status()).isEqualTo(CanaryResult.Status.UNSUPPORTED);
            assertThat(m.canary().tag()).isEqualTo("unsupported");
            assertThat(m.canary().reason()).contains("SimpleRnn");
            assertThat(m.score(Canary.inputs(bundle, 3))).hasSize(3);
        }
    }

    @Test
    void canaryRefusesAnEngineThatDisagreesBeyondTolerance() {
        final SentimentModel reference = constant(0.25f);
        final int[][] ids = new int[10][5];
        assertThat(Canary.compare(reference, constant(0.25f + 5e-5f), ids, Canary.TOLERANCE).status())
                .isEqualTo(CanaryResult.Status.PASSED);
        final CanaryResult off = Canary.compare(reference, constant(0.2505f), ids, Canary.TOLERANCE);
        assertThat(off.status()).isEqualTo(CanaryResult.Status.FAILED);
        assertThat(off.fastAccepted()).isFalse();
        assertThat(off.maxAbsDiff()).isGreaterThan(4e-4);
        assertThat(off.reason()).contains("disagrees");
        assertThat(Canary.compare(reference, constant(Float.NaN), ids, Canary.TOLERANCE).status())
                .isEqualTo(CanaryResult.Status.FAILED);
    }

    @Test
    void canaryRowsCoverEmptyOneTokenFullAndAllOovReviews() {
        final long[] counts = new long[50];
        java.util.Arrays.fill(counts, 2, 50, 10);
        final int[][] ids = Canary.inputs(counts, 30, false, 100, 1);
        assertThat(ids).hasNumberOfRows(100);
        assertThat(ids[0]).containsOnly(0);
        assertThat(java.util.Arrays.stream(ids[1]).filter(i -> i != 0).count()).isEqualTo(1);
        assertThat(ids[4]).containsOnly(1);
        assertThat(ids[3]).doesNotContain(0);
        assertThat(java.util.Arrays.stream(ids).flatMapToInt(java.util.Arrays::stream).max().getAsInt()).isLessThan(50);
    }

    @Test
    void shippedEnglishModelServesOnTheFastEngine() throws Exception {
        final String repo = System.getProperty("sentiment.repo.dir", "..");
        final Path dir = Path.of(repo, "models", "imdb-en");
        assumeTrue(Files.isRegularFile(dir.resolve("bundle.json")),
                "models/imdb-en is not built yet (trainer issue); skipping the shipped-model agreement check");
        final ModelBundle bundle = ModelBundle.load(dir);
        try (LoadedModel stored = Engines.load(bundle, EngineChoice.FAST);
             LoadedModel live = Engines.load(bundle, EngineChoice.FAST, Canary.inputs(bundle, 64))) {
            assertThat(stored.canary().status()).as(stored.canary().reason()).isEqualTo(CanaryResult.Status.PASSED);
            assertThat(stored.canary().reason()).contains("stored in canary.tsv");
            assertThat(stored.engine()).isEqualTo("fast");
            assertThat(live.canary().status()).as(live.canary().reason()).isEqualTo(CanaryResult.Status.PASSED);
            assertThat(live.canary().reason()).contains("agrees with dl4j");
        }
    }

    private static SentimentModel constant(final float p) {
        return new SentimentModel() {
            @Override
            public String engine() {
                return "const";
            }

            @Override
            public float[] score(final int[][] ids) {
                final float[] out = new float[ids.length];
                java.util.Arrays.fill(out, p);
                return out;
            }

            @Override
            public void close() {
            }
        };
    }
}
