package io.sentimentstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.model.dl4j.Dl4jModel;
import io.sentimentstreams.model.dl4j.NetworkFactory;
import io.sentimentstreams.text.PipelineConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The fast trainer against DL4J on the same network: loss and every parameter's gradient of one batch
 * (no dropout, so both are deterministic), and the parameters after two clipped Adam steps; then a full
 * {@code TrainJob} with {@code --engine fast} on a synthetic corpus.
 */
class FastTrainerTest {

    private static final int VOCAB = 13;
    private static final int MAXLEN = 9;
    // Widths that exercise the vector kernels' full 4x4 tiles and their tails (G = 64, E = 32, H = 16).
    private static final int E = 32;
    private static final int H = 16;

    @TempDir
    static Path dir;

    @BeforeAll
    static void nd4j() {
        NativeSetup.configure();
    }

    private static TrainerConfig config(final String pooling, final double dropout, final double clip,
                                        final int workers) {
        final PipelineConfig p = new WhitespaceFeaturizer(VOCAB, MAXLEN).config();
        return new TrainerConfig("fast", "bilstm", E, H, Pooling.of(pooling), 0, "relu", false, 1, 6, 0.05, 1.0, dropout, 0.0,
                clip, 0.1, 1, "accuracy", false, null, false, workers, "fast", 11L, p);
    }

    /** Pre-padded rows of random length with ids 1..VOCAB-1, and random labels. */
    private static int[][] rows(final int n, final long seed) {
        final Random rnd = new Random(seed);
        final int[][] rows = new int[n][MAXLEN];
        for (final int[] row : rows) {
            final int len = 1 + rnd.nextInt(MAXLEN);
            for (int t = MAXLEN - len; t < MAXLEN; t++) {
                row[t] = 1 + rnd.nextInt(VOCAB - 1);
            }
        }
        return rows;
    }

    private static int[] labels(final int n, final long seed) {
        final Random rnd = new Random(seed);
        final int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(2);
        }
        return labels;
    }

    private static int[] identity(final int n) {
        final int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        return idx;
    }

    @ParameterizedTest
    @CsvSource({"max, true", "mean, true", "max, false", "mean, false"})
    void lossAndGradientsMatchDl4j(final String pooling, final boolean vector) {
        final TrainerConfig cfg = config(pooling, 0.0, 0.0, 1);
        final Architecture arch = cfg.architecture(VOCAB);
        final MultiLayerNetwork net = NetworkFactory.build(arch, cfg.seed(), cfg.knobs());
        final int[][] rows = rows(7, 3);
        final int[] labels = labels(7, 4);
        final DataSet ds = Trainer.dataSet(rows, identity(7), labels, arch);
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        final Gradient expected = net.gradient();
        try (FastTrainer fast = new FastTrainer(net, arch, cfg, vector)) {
            assertThat(fast.loss(rows, labels) / rows.length).isCloseTo(net.score(),
                    org.assertj.core.data.Offset.offset(1e-5));
            final float[] grad = fast.gradient(rows, labels);
            final ParamLayout l = new ParamLayout(VOCAB, E, H, MAXLEN, false);
            final int g = 4 * H;
            // DL4J's gradient() is that of the summed loss: its updater divides by the batch size before
            // clipping and Adam. Ours is the gradient of the mean loss.
            final float n = rows.length;
            compare(expected, "0_W", grad, l.embedding(), VOCAB * E, n);
            compare(expected, "1_fW", grad, l.inputWeights(0), E * g, n);
            compare(expected, "1_fRW", grad, l.recurrentWeights(0), H * g, n);
            compare(expected, "1_fb", grad, l.bias(0), g, n);
            compare(expected, "1_bW", grad, l.inputWeights(1), E * g, n);
            compare(expected, "1_bRW", grad, l.recurrentWeights(1), H * g, n);
            compare(expected, "1_bb", grad, l.bias(1), g, n);
            compare(expected, "3_W", grad, l.outW(), 2 * H * 2, n);
            compare(expected, "3_b", grad, l.outB(), 2, n);
        }
    }

    private static void compare(final Gradient expected, final String key, final float[] grad, final int off,
                                final int len, final float dl4jFactor) {
        final float[] want = expected.getGradientFor(key).dup('c').reshape(-1).toFloatVector();
        for (int i = 0; i < want.length; i++) {
            want[i] /= dl4jFactor;
        }
        assertThat(want).as(key).hasSize(len);
        float scale = 0f;
        for (final float w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        assertThat(scale).as(key + " has a non-zero gradient").isGreaterThan(0f);
        for (int i = 0; i < len; i++) {
            assertThat(grad[off + i]).as(key + "[" + i + "]").isCloseTo(want[i],
                    org.assertj.core.data.Offset.offset(1e-6f + 1e-4f * scale));
        }
    }

    @Test
    void twoClippedAdamStepsMatchDl4jFit() {
        // A clip threshold below the largest gradients, so clipping is exercised too.
        final TrainerConfig cfg = config("max", 0.0, 0.01, 1);
        final Architecture arch = cfg.architecture(VOCAB);
        final MultiLayerNetwork dl4j = NetworkFactory.build(arch, cfg.seed(), cfg.knobs());
        final MultiLayerNetwork ours = NetworkFactory.build(arch, cfg.seed(), cfg.knobs());
        assertThat(ours.params()).isEqualTo(dl4j.params());
        // Two steps, so that Adam's moments carry over from one step to the next.
        final int[][] rows = rows(12, 5);
        final int[] labels = labels(12, 6);
        final int[] first = identity(6);
        final int[] second = {6, 7, 8, 9, 10, 11};
        dl4j.fit(Trainer.dataSet(Batches.rows(rows, first), first, labels, arch));
        dl4j.fit(Trainer.dataSet(Batches.rows(rows, second), second, labels, arch));
        try (FastTrainer fast = new FastTrainer(ours, arch, cfg)) {
            fast.epoch(List.of(first, second), new EncodedSet(rows, labels, new int[12], 0, 0), quiet(12));
            fast.writeTo(ours);
        }
        final float[] want = dl4j.params().toFloatVector();
        final float[] got = ours.params().toFloatVector();
        final float[] before = NetworkFactory.build(arch, cfg.seed(), cfg.knobs()).params().toFloatVector();
        // Adam divides each element's gradient by its own running magnitude, so where a gradient element is
        // near round-off (summation order differs from DL4J's) the step amplifies the difference: allow a
        // few elements up to 1e-4 (0.2 % of the learning rate), the rest within 1e-5.
        int moved = 0;
        int loose = 0;
        for (int i = 0; i < want.length; i++) {
            final float diff = Math.abs(got[i] - want[i]);
            assertThat(diff).as("param " + i).isLessThan(1e-4f);
            if (diff > 1e-5f) {
                loose++;
            }
            if (Math.abs(want[i] - before[i]) > 1e-4f) {
                moved++;
            }
        }
        assertThat(loose).as("parameters more than 1e-5 from DL4J's").isLessThan(want.length / 100);
        assertThat(moved).as("parameters an Adam step of lr 0.05 moved").isGreaterThan(want.length / 3);
    }

    private static Progress quiet(final int total) {
        return new Progress(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "test", total);
    }

    @Test
    void refusesWhatItDoesNotImplement() {
        final TrainerConfig base = config("max", 0.0, 0.0, 1);
        assertThat(base.engineProblem()).isNull();
        final TrainerConfig masked = new TrainerConfig("m", "bilstm", E, H, Pooling.MAX, 0, "relu", true, 1, 6, 0.05, 1.0,
                0.0, 0.0, 0.0, 0.1, 1, "accuracy", false, null, false, 1, "fast", 11L, base.pipeline());
        assertThat(masked.engineProblem()).contains("--no-mask");
        final TrainerConfig lstm = new TrainerConfig("m", "lstm", E, H, Pooling.MAX, 0, "relu", false, 1, 6, 0.05, 1.0,
                0.0, 0.0, 0.0, 0.1, 1, "accuracy", false, null, false, 1, "fast", 11L, base.pipeline());
        assertThat(lstm.engineProblem()).contains("bilstm");
        final TrainerConfig last = config("last", 0.0, 0.0, 1);
        assertThat(last.engineProblem()).contains("max or mean");
        final TrainerConfig l2 = new TrainerConfig("m", "bilstm", E, H, Pooling.MAX, 0, "relu", false, 1, 6, 0.05, 1.0,
                0.0, 1e-4, 0.0, 0.1, 1, "accuracy", false, null, false, 1, "fast", 11L, base.pipeline());
        assertThat(l2.engineProblem()).contains("--l2");
        assertThatThrownBy(() -> new FastTrainer(NetworkFactory.build(masked.architecture(VOCAB), 1L),
                masked.architecture(VOCAB), masked)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--no-mask");
    }

    @Test
    void validationIsScoredByTheFastEngineWhenItReproducesDl4jElseByDl4j() throws Exception {
        final int n = 70;
        final int[][] ids = rows(n, 5);
        final int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            for (final int id : ids[i]) {
                counts[i] += id > 0 ? 1 : 0;
            }
        }
        final EncodedSet set = new EncodedSet(ids, labels(n, 6), counts, 0, 0);
        for (final String pooling : List.of("max", "mean")) {
            final TrainerConfig cfg = config(pooling, 0.3, 1.0, 1);
            final Architecture arch = cfg.architecture(VOCAB);
            final MultiLayerNetwork net = NetworkFactory.build(arch, cfg.seed(), cfg.knobs());
            final Trainer.Scored scored = Trainer.scoreValidation(net, arch, set);
            assertThat(scored.engine()).as(pooling).isEqualTo("fast");
            final float[] reference = Trainer.score(new Dl4jModel(net, arch), set, 256);
            for (int i = 0; i < n; i++) {
                assertThat((double) scored.probabilities()[i]).as(pooling + " row " + i)
                        .isCloseTo(reference[i], org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        // One the fast engine builds but that disagrees with DL4J beyond the tolerance (forced: -1) is too.
        final TrainerConfig maxCfg = config("max", 0.3, 1.0, 1);
        final Architecture maxArch = maxCfg.architecture(VOCAB);
        final MultiLayerNetwork maxNet = NetworkFactory.build(maxArch, maxCfg.seed(), maxCfg.knobs());
        final Trainer.Scored disagreed = Trainer.scoreValidation(maxNet, maxArch, set, -1);
        assertThat(disagreed.engine()).isEqualTo("dl4j");
        assertThat(disagreed.probabilities()).containsExactly(Trainer.score(new Dl4jModel(maxNet, maxArch), set, 256));
        // A network the fast engine cannot build (SimpleRnn) is validated by DL4J, with the same figures.
        final Architecture rnnArch = new Architecture("simplernn", VOCAB, 8, 6, Pooling.MAX, 0, "relu", "softmax2", false,
                MAXLEN);
        final MultiLayerNetwork rnn = NetworkFactory.build(rnnArch, 3L, config("max", 0, 1.0, 1).knobs());
        final Trainer.Scored byDl4j = Trainer.scoreValidation(rnn, rnnArch, set);
        assertThat(byDl4j.engine()).isEqualTo("dl4j");
        assertThat(byDl4j.probabilities()).containsExactly(Trainer.score(new Dl4jModel(rnn, rnnArch), set, 256));
    }

    @Test
    void withoutValidationRowsTheLastEpochIsKeptAndTheCardSaysSo() throws Exception {
        final Path train = TrainJobTest.corpus(dir, "noval-train", 400, 3);
        final WhitespaceFeaturizer f = new WhitespaceFeaturizer(30, 12);
        final TrainerConfig cfg = new TrainerConfig("no-validation", "bilstm", 8, 6, Pooling.MAX, 0, "relu", false, 2, 16,
                0.01, 1.0, 0.0, 0.0, 1.0, 0.0, 2, "accuracy", false, null, false, 1, "fast", 7L, f.config());
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final TrainJob.Outcome o = new TrainJob(new TrainJob.Request(train,
                io.sentimentstreams.trainer.data.ReadOptions.of(io.sentimentstreams.trainer.data.DatasetFormat.IMDB),
                null, null, dir.resolve("noval-bundle"), false, 1, 0, 0, cfg, "./sentiment train (test)"), f,
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertThat(o.result().bestEpoch()).isEqualTo(2);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("no validation rows");
        final String card = java.nio.file.Files.readString(o.bundle().file(
                io.sentimentstreams.bundle.BundleManifest.MODEL_CARD));
        assertThat(card).contains("No validation rows").doesNotContain("validation (n=0)");
    }

    @Test
    void trainsTheSyntheticCorpusWithDropoutAndTwoWorkers() throws Exception {
        final Path train = TrainJobTest.corpus(dir, "fast-train", 800, 1);
        final Path test = TrainJobTest.corpus(dir, "fast-test", 300, 2);
        final WhitespaceFeaturizer f = new WhitespaceFeaturizer(30, 12);
        final TrainerConfig cfg = new TrainerConfig("synthetic-fast", "bilstm", 8, 6, Pooling.MAX, 0, "relu", false, 4, 16,
                0.01, 1.0, 0.2, 0.0, 1.0, 0.1, 2, "accuracy", false, null, false, 2, "fast", 7L, f.config());
        final TrainJob.Request r = new TrainJob.Request(train, io.sentimentstreams.trainer.data.ReadOptions.of(
                io.sentimentstreams.trainer.data.DatasetFormat.IMDB), test,
                io.sentimentstreams.trainer.data.ReadOptions.of(io.sentimentstreams.trainer.data.DatasetFormat.IMDB),
                dir.resolve("fast-bundle"), false, 1, 0, 0, cfg, "./sentiment train (test)");
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final TrainJob.Outcome o = new TrainJob(r, f, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertThat(o.test().n()).isEqualTo(300);
        assertThat(o.test().accuracy()).isGreaterThan(0.9);
        assertThat(o.bundle().manifest().training().path("engine").asText()).isEqualTo("fast");
        assertThat(o.summary().path("engine").asText()).isEqualTo("fast");
        assertThat(o.summary().path("testEngine").asText()).isIn("fast", "dl4j");
        assertThat(o.bundle().manifest().metrics().path("validationEngine").asText()).isEqualTo("fast");
        final Path card = o.bundle().file(io.sentimentstreams.bundle.BundleManifest.MODEL_CARD);
        assertThat(java.nio.file.Files.readString(card)).contains(", validation with fast)");
        assertThat(o.result().epochs().get(o.result().epochs().size() - 1).trainLoss())
                .isLessThan(o.result().epochs().get(0).trainLoss());
    }
}
