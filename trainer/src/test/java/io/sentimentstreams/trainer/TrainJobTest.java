package io.sentimentstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.model.dl4j.Dl4jModel;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.Tokenizer;
import io.sentimentstreams.trainer.data.DatasetFormat;
import io.sentimentstreams.trainer.data.ReadOptions;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains a tiny BiLSTM on a synthetic corpus the test writes, then checks the bundle it produced. */
class TrainJobTest {

    private static final String[] POS = {"good", "great", "fine", "lovely", "superb"};
    private static final String[] NEG = {"bad", "awful", "poor", "boring", "dull"};
    private static final String[] NOISE = {"the", "film", "plot", "actor", "scene", "music", "story", "end"};

    @TempDir
    static Path dir;
    static TrainJob.Outcome outcome;
    static Path out;
    static String log;

    static Path corpus(final String name, final int rows, final long seed) throws IOException {
        return corpus(dir, name, rows, seed);
    }

    /** A synthetic IMDB-format corpus: one sentiment word among noise words per review. */
    static Path corpus(final Path into, final String name, final int rows, final long seed) throws IOException {
        final Random rnd = new Random(seed);
        final StringBuilder sb = new StringBuilder("label\ttext\tid\n");
        for (int i = 0; i < rows; i++) {
            final int label = rnd.nextInt(2);
            final StringBuilder text = new StringBuilder();
            final int len = 3 + rnd.nextInt(8);
            final int at = rnd.nextInt(len);
            for (int k = 0; k < len; k++) {
                if (k > 0) {
                    text.append(' ');
                }
                text.append(k == at ? (label == 1 ? POS : NEG)[rnd.nextInt(5)] : NOISE[rnd.nextInt(NOISE.length)]);
            }
            sb.append(label).append('\t').append(text).append('\t').append(name).append(i).append('\n');
        }
        final Path p = into.resolve(name + ".tsv");
        Files.writeString(p, sb.toString());
        return p;
    }

    @BeforeAll
    static void train() throws Exception {
        NativeSetup.configure();
        final Path train = corpus("train", 800, 1);
        final Path test = corpus("test", 300, 2);
        final WhitespaceFeaturizer f = new WhitespaceFeaturizer(30, 12);
        final TrainerConfig cfg = new TrainerConfig("synthetic", "bilstm", 8, 6, Pooling.MAX, 0, "relu", true, 4, 16,
                0.01, 1.0, 0.0, 0.0, 1.0, 0.1, 2, "accuracy", true, null, false, 2, "dl4j", 7L, f.config());
        out = dir.resolve("bundle");
        final TrainJob.Request r = new TrainJob.Request(train, ReadOptions.of(DatasetFormat.IMDB), test,
                ReadOptions.of(DatasetFormat.IMDB), out, false, 1, 0, 0, cfg, "./sentiment train (test)");
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        outcome = new TrainJob(r, f, new PrintStream(err, true, StandardCharsets.UTF_8)).run();
        log = err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theRunReplacesItsOwnCheckpointsWithTheFinalBundle() throws Exception {
        // Epoch 1 always improves on nothing, and 4 epochs leave room for a checkpoint before the last one.
        assertThat(log).contains("checkpoint bundle (epoch 1, no test figures yet): " + outcome.bundle().manifest()
                .ref()).contains("bundle: " + outcome.bundle() + " digest " + outcome.bundle().digest());
        final BundleManifest m = ModelBundle.load(out).manifest();
        assertThat(m.training().path("checkpoint").asBoolean(true)).isFalse();
        assertThat(ModelBundle.load(out).digest()).isEqualTo(outcome.bundle().digest());
    }

    @Test
    void theTestSetIsScoredWithTheEngineTheRunIsGiven() throws Exception {
        final WhitespaceFeaturizer f = new WhitespaceFeaturizer(30, 12);
        final TrainerConfig cfg = new TrainerConfig("dl4j-tested", "bilstm", 8, 6, Pooling.MAX, 0, "relu", true, 1, 16,
                0.01, 1.0, 0.0, 0.0, 1.0, 0.1, 2, "accuracy", true, null, false, 1, "dl4j", 7L, f.config());
        final TrainJob.Request r = new TrainJob.Request(dir.resolve("train.tsv"), ReadOptions.of(DatasetFormat.IMDB),
                dir.resolve("test.tsv"), ReadOptions.of(DatasetFormat.IMDB), dir.resolve("dl4j-tested"), false, 1,
                200, 100, cfg, "./sentiment train (dl4j test)");
        final TrainJob.Outcome o = new TrainJob(r, f, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), EngineChoice.DL4J).run();
        assertThat(o.test().n()).isEqualTo(100);
        final BundleManifest m = o.bundle().manifest();
        assertThat(m.metrics().path("engine").asText()).isEqualTo("dl4j");
        assertThat(m.metrics().path("testLimit").asInt()).isEqualTo(100);
        assertThat(m.datasets()).extracting(d -> d.role()).containsExactly("train", "test");
        assertThat(o.summary().path("testEngine").asText()).isEqualTo("dl4j");
        assertThat(Files.readString(o.bundle().file(BundleManifest.MODEL_CARD)))
                .contains("## Measured (test scored with engine dl4j,");
    }

    @Test
    void learnsTheSyntheticSignalFarAboveTheMajorityClass() {
        assertThat(outcome.test().n()).isEqualTo(300);
        assertThat(outcome.test().accuracy()).isGreaterThan(0.9);
        assertThat(outcome.test().auc()).isGreaterThan(0.95);
    }

    @Test
    void bundleRoundTripGivesIdenticalScores() throws Exception {
        final ModelBundle bundle = ModelBundle.load(out);
        assertThat(bundle.manifest().files()).containsKeys(BundleManifest.NETWORK, BundleManifest.VOCABULARY,
                BundleManifest.MODEL_CARD);
        assertThat(bundle.manifest().architecture()).isEqualTo(outcome.result().architecture());
        final Vocabulary vocab = Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY), "<OOV>");
        assertThat(vocab.wordIndex()).isEqualTo(outcome.result().vocabulary().wordIndex());
        final WhitespaceFeaturizer f = new WhitespaceFeaturizer(30, 12);
        final int[][] ids = {
            f.encode("the film was great", vocab).ids(),
            f.encode("awful plot and dull music", vocab).ids(),
            f.encode("", vocab).ids(),
            f.encode("unknownword another", vocab).ids()};
        final float[] before = outcome.result().model().score(ids);
        try (Dl4jModel loaded = Dl4jModel.load(bundle)) {
            assertThat(loaded.score(ids)).containsExactly(before);
        }
        assertThat(before[0]).isGreaterThan(0.5f);
        assertThat(before[1]).isLessThan(0.5f);
    }

    @Test
    void refreshRewritesOnlyTheCanaryOfAnExistingBundle() throws Exception {
        final Path copy = dir.resolve("refreshed");
        Files.createDirectories(copy);
        try (var files = Files.list(out)) {
            for (final Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        final ModelBundle before = ModelBundle.load(copy);
        final int[][] real = {new WhitespaceFeaturizer(30, 12).encode("the film was great",
                Vocabulary.readTsv(before.file(BundleManifest.VOCABULARY), "<OOV>")).ids()};
        final ModelBundle after = StoredCanary.refresh(before, real, "refresh test");
        assertThat(after.manifest().ref()).isEqualTo(before.manifest().ref());
        for (final String f : before.manifest().files().keySet()) {
            if (!f.equals(BundleManifest.CANARY)) {
                assertThat(after.manifest().files().get(f)).as(f).isEqualTo(before.manifest().files().get(f));
            }
        }
        final io.sentimentstreams.model.CanaryFile canary = io.sentimentstreams.model.CanaryFile.read(
                after.file(BundleManifest.CANARY), after.manifest().architecture().maxlen(), false);
        assertThat(canary.ids()[5]).containsExactly(real[0]);
        assertThat(Files.readString(after.file(BundleManifest.CANARY))).contains("refresh test");
        try (io.sentimentstreams.model.LoadedModel m = io.sentimentstreams.model.Engines.load(after,
                io.sentimentstreams.model.EngineChoice.FAST)) {
            assertThat(m.canary().reason()).contains("stored in canary.tsv");
        }
    }

    @Test
    void bundleCarriesAStoredCanarySoServingSkipsDl4j() throws Exception {
        final ModelBundle bundle = ModelBundle.load(out);
        assertThat(bundle.manifest().files()).containsKeys(BundleManifest.ONNX, BundleManifest.CANARY);
        final io.sentimentstreams.model.CanaryFile canary = io.sentimentstreams.model.CanaryFile.read(
                bundle.file(BundleManifest.CANARY), bundle.manifest().architecture().maxlen(), false);
        assertThat(canary.ids()).hasNumberOfRows(io.sentimentstreams.model.Canary.DEFAULT_REVIEWS);
        // The stored figures are DL4J's own for those rows.
        assertThat(io.sentimentstreams.model.Canary.score(outcome.result().model(), canary.ids()))
                .containsExactly(canary.probabilities());
        try (io.sentimentstreams.model.LoadedModel m = io.sentimentstreams.model.Engines.load(bundle,
                io.sentimentstreams.model.EngineChoice.FAST)) {
            assertThat(m.engine()).isEqualTo("fast");
            assertThat(m.canary().reason()).contains("stored in canary.tsv");
        }
    }

    @Test
    void manifestRecordsDatasetsMetricsAndTheCommand() throws Exception {
        final BundleManifest m = ModelBundle.load(out).manifest();
        assertThat(m.datasets()).extracting(d -> d.role()).containsExactly("train", "test");
        assertThat(m.datasets().get(0).sha256()).hasSize(64);
        assertThat(m.metrics().path("accuracy").asDouble()).isEqualTo(outcome.test().accuracy());
        assertThat(m.metrics().path("engine").asText()).isIn("fast", "dl4j");
        assertThat(m.training().path("command").asText()).isEqualTo("./sentiment train (test)");
        assertThat(m.training().path("config").path("seed").asLong()).isEqualTo(7L);
        final String card = Files.readString(out.resolve(BundleManifest.MODEL_CARD));
        assertThat(card).contains("synthetic@1").contains(m.datasets().get(0).sha256())
                .contains("./sentiment train (test)").contains("accuracy **");
    }

    @Test
    void alteredFileIsRefusedByChecksum() throws Exception {
        final Path copy = dir.resolve("tampered");
        Files.createDirectories(copy);
        Files.copy(out.resolve(BundleManifest.FILE), copy.resolve(BundleManifest.FILE));
        for (final String f : ModelBundle.load(out).manifest().files().keySet()) {
            Files.copy(out.resolve(f), copy.resolve(f));
        }
        Files.writeString(copy.resolve(BundleManifest.VOCABULARY), "extra\t99\t1\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> ModelBundle.load(copy)).isInstanceOf(BundleException.class)
                .satisfies(e -> assertThat(((BundleException) e).kind())
                        .isEqualTo(BundleException.Kind.CHECKSUM_MISMATCH));
    }

    @Test
    void existingBundleIsNotReplacedWithoutForce() throws IOException {
        final Path existing = dir.resolve("existing");
        Files.createDirectories(existing);
        Files.writeString(existing.resolve("keep.txt"), "a previous model");
        final TrainerConfig cfg = TrainerConfig.englishDefaults();
        final TrainJob.Request r = new TrainJob.Request(dir.resolve("train.tsv"), ReadOptions.of(DatasetFormat.IMDB),
                null, null, existing, false, 1, 50, 0, cfg.withPipeline(new WhitespaceFeaturizer(30, 12).config()),
                "x");
        assertThatThrownBy(() -> new TrainJob(r, new WhitespaceFeaturizer(30, 12), new PrintStream(
                new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run())
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(Files.readString(existing.resolve("keep.txt"))).isEqualTo("a previous model");
    }

    @Test
    void pipelineConfigIsStoredForServing() throws Exception {
        final PipelineConfig p = ModelBundle.load(out).manifest().pipeline();
        assertThat(p.tokenizer()).isEqualTo(Tokenizer.WORDPUNCT);
        assertThat(p.maxlen()).isEqualTo(12);
        assertThat(p.numWords()).isEqualTo(30);
    }
}
