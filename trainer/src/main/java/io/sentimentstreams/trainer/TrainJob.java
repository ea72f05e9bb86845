package io.sentimentstreams.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.BundleWriter;
import io.sentimentstreams.bundle.DatasetChecksum;
import io.sentimentstreams.bundle.Digests;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.model.dl4j.Dl4jModel;
import io.sentimentstreams.trainer.data.Dataset;
import io.sentimentstreams.trainer.data.DatasetException;
import io.sentimentstreams.trainer.data.DatasetReader;
import io.sentimentstreams.trainer.data.LabeledText;
import io.sentimentstreams.trainer.data.ReadOptions;
import io.sentimentstreams.trainer.data.Splits;
import io.sentimentstreams.trainer.eval.Evaluator;
import io.sentimentstreams.trainer.eval.Metrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.util.ModelSerializer;

/**
 * One {@code train} run: corpus files and a {@link TrainerConfig} in; a verified model bundle directory
 * (network, vocabulary, ONNX export when available, model card, bundle.json with test metrics and dataset
 * checksums) and a one-line JSON summary out.
 */
public final class TrainJob {

    /**
     * @param data         training corpus
     * @param read         how to read it
     * @param test         held-out test corpus (null: none; metrics then come from validation only)
     * @param testRead     how to read the test corpus
     * @param out          bundle directory to write
     * @param overwrite    replace an existing bundle directory
     * @param version      bundle version
     * @param limit        use at most this many training rows (after a seeded shuffle; 0: all)
     * @param testLimit    use at most this many test rows (0: all)
     * @param commandLine  the command that reproduces the run, for the model card
     */
    public record Request(Path data, ReadOptions read, Path test, ReadOptions testRead, Path out, boolean overwrite,
                          int version, int limit, int testLimit, TrainerConfig config, String commandLine) {
    }

    /** What the run wrote and measured. */
    public record Outcome(ModelBundle bundle, Trainer.Result result, Metrics validation, Metrics test) {
    }

    /** Bundle directories written by this JVM's runs, which later epochs of the same run may replace. */
    private static final java.util.Set<Path> checkpointed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The engine that scored the latest test set (set before the final bundle is written). */
    private static volatile String testEngine = Dl4jModel.ENGINE;

    private TrainJob() {
    }

    public static Outcome run(final Request r, final Featurizer featurizer, final PrintStream err)
            throws IOException, DatasetException, BundleException {
        final TrainerConfig cfg = r.config();
        if (!r.overwrite() && java.nio.file.Files.exists(r.out())) {
            try (var entries = java.nio.file.Files.list(r.out())) {
                if (entries.findAny().isPresent()) {
                    // Fail before training rather than after it.
                    throw new java.nio.file.FileAlreadyExistsException(r.out()
                            + " exists and is not empty (use --force to replace it)");
                }
            }
        }
        final Dataset train = DatasetReader.read(r.data(), r.read());
        err.println("train: " + train.summary());
        final Splits.Duplicates dups = Splits.duplicates(train.rows());
        if (dups.duplicateRows() > 0) {
            err.printf(Locale.ROOT, "train: %d duplicate texts (%d with conflicting labels); kept as they are%n",
                    dups.duplicateRows(), dups.conflictingLabels());
        }
        Dataset test = null;
        int overlap = 0;
        if (r.test() != null) {
            test = DatasetReader.read(r.test(), r.testRead());
            err.println("test: " + test.summary());
            overlap = Splits.overlap(train.rows(), test.rows());
            if (overlap > 0) {
                err.printf(Locale.ROOT, "test: %d test texts also occur in the training data%n", overlap);
            }
        }
        final Splits.Split split = Splits.forRun(train.rows(), r.limit(), cfg.validationFraction(), cfg.seed());
        final Trainer trainer = new Trainer(cfg, featurizer, err);
        final Dataset trainData = train;
        // After each improving epoch the best-so-far model is written as a bundle (validation figures only),
        // so a long run leaves a usable model behind even if it is stopped before the test evaluation.
        trainer.onCheckpoint((soFar, valSet) -> {
            try {
                writeBundle(r, trainData, null, 0, soFar, split, dups, null, err, true, valSet.ids());
            } catch (BundleException e) {
                throw new IOException(e.getMessage(), e);
            }
        });
        final Trainer.Result result = trainer.train(split.train(), split.validation());

        final EncodedSet valSet = EncodedSet.encode(split.validation(), featurizer, result.vocabulary());
        final Metrics validation = result.validation().metrics();
        Metrics testMetrics = null;
        if (test != null) {
            List<LabeledText> testRows = test.rows();
            if (r.testLimit() > 0 && r.testLimit() < testRows.size()) {
                testRows = Splits.shuffled(testRows, cfg.seed() ^ 0x7e57).subList(0, r.testLimit());
            }
            // Write the bundle first and score the test set through it, the way serving will: the fast engine
            // when it passes its canary against DL4J (about 20x quicker), else DL4J itself. The engine that
            // produced the figures is recorded with them.
            final ModelBundle untested = writeBundle(r, train, test, overlap, result, split, dups, null,
                    err, true, valSet.ids());
            final long t0 = System.nanoTime();
            final EncodedSet testSet = EncodedSet.encode(testRows, featurizer, result.vocabulary());
            try (LoadedModel served = Engines.load(untested, EngineChoice.FAST)) {
                testMetrics = Evaluator.evaluate(EvaluateJob.score(served, testSet, 256), testSet.labels(),
                        testSet.tokenCounts(), 0.5);
                testEngine = served.engine();
            }
            final double testSeconds = (System.nanoTime() - t0) / 1e9;
            err.printf(Locale.ROOT, "test: accuracy %.4f, F1 %.4f, ROC-AUC %.4f on %d reviews (engine %s, %.0fs)%n",
                    testMetrics.accuracy(), testMetrics.f1(), testMetrics.auc(), testMetrics.n(), testEngine,
                    testSeconds);
        }

        final ModelBundle bundle = writeBundle(r, train, test, overlap, result, split, dups,
                testMetrics, err, false, valSet.ids());
        return new Outcome(bundle, result, validation, testMetrics);
    }

    private static ModelBundle writeBundle(final Request r, final Dataset train, final Dataset test, final int overlap,
                                           final Trainer.Result result, final Splits.Split split,
                                           final Splits.Duplicates dups,
                                           final Metrics testMetrics, final PrintStream err, final boolean checkpoint,
                                           final int[][] validationIds)
            throws IOException, BundleException {
        final Metrics validation = result.validation().metrics();
        final TrainerConfig cfg = r.config();
        final List<DatasetChecksum> datasets = new ArrayList<>();
        datasets.add(new DatasetChecksum("train", r.data().toString(), train.sha256(), train.rows().size()));
        if (test != null) {
            datasets.add(new DatasetChecksum("test", r.test().toString(), test.sha256(), test.rows().size()));
        }
        if (cfg.embeddings() != null) {
            // The vectors are an input like the corpus: without their checksum the command does not reproduce.
            datasets.add(new DatasetChecksum("embeddings", cfg.embeddings(),
                    Digests.sha256(Path.of(cfg.embeddings())),
                    result.pretrainedRows()));
        }
        final ObjectNode training = Json.MAPPER.createObjectNode();
        training.set("config", Json.MAPPER.valueToTree(cfg));
        training.put("command", r.commandLine());
        training.put("trainRows", split.train().size());
        training.put("validationRows", split.validation().size());
        training.put("skippedRows", train.badRows().size());
        training.put("duplicateTexts", dups.duplicateRows());
        training.put("testOverlap", overlap);
        training.put("limit", r.limit());
        training.put("bestEpoch", result.bestEpoch());
        training.put("vocabularySize", result.vocabulary().size());
        training.put("pretrainedEmbeddingRows", result.pretrainedRows());
        training.set("epochs", Json.MAPPER.valueToTree(result.epochs()));
        training.put("checkpoint", checkpoint);
        training.put("engine", cfg.engine() == null ? Dl4jModel.ENGINE : cfg.engine());
        training.put("machine", machine());
        final ObjectNode metrics = Json.MAPPER.createObjectNode();
        if (testMetrics != null) {
            metrics.setAll((ObjectNode) Json.MAPPER.valueToTree(testMetrics));
            metrics.put("testLimit", r.testLimit());
        }
        metrics.set("validation", Json.MAPPER.valueToTree(validation));
        metrics.put("engine", testMetrics != null ? testEngine : Dl4jModel.ENGINE);
        metrics.put("validationEngine", result.validation().engine());

        final BundleManifest manifest = new BundleManifest(BundleManifest.SCHEMA, cfg.name(), r.version(),
                cfg.pipeline().lang(), Instant.now(), cfg.pipeline(), result.architecture(), 0.5, null, datasets,
                training, metrics);
        // A checkpoint may replace the previous checkpoint of this same run, never a bundle made before it.
        final BundleWriter writer = BundleWriter.create(r.out(), r.overwrite() || checkpointed.contains(r.out()));
        final ModelBundle bundle;
        try {
            writer.file(BundleManifest.NETWORK, p -> ModelSerializer.writeModel(result.network(), p.toFile(), false));
            writer.vocabulary(result.vocabulary());
            OnnxHook.export(writer, manifest, result.network(), err);
            StoredCanary.add(writer, manifest, result.vocabulary(), result.model(), validationIds,
                    "5 generated edge cases, then validation reviews of this run");
            writer.text(BundleManifest.MODEL_CARD, ModelCard.render(manifest, train, test, result, validation,
                    testMetrics, r));
            bundle = writer.finish(manifest);
            checkpointed.add(r.out());
        } catch (IOException | BundleException | RuntimeException e) {
            writer.abandon();
            throw e;
        }
        err.println((checkpoint ? "checkpoint bundle (epoch " + result.bestEpoch() + ", no test figures yet): "
                : "bundle: ") + bundle + " digest " + bundle.digest());
        return bundle;
    }

    /** One JSON line describing an outcome (printed on stdout by {@code train}). */
    public static JsonNode summary(final Outcome o) {
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("model", o.bundle().manifest().ref().toString());
        n.put("dir", o.bundle().dir().toString());
        n.put("digest", o.bundle().digest());
        if (o.test() != null) {
            n.put("accuracy", o.test().accuracy());
            n.put("f1", o.test().f1());
            n.put("auc", o.test().auc());
            n.put("n", o.test().n());
        }
        n.put("validationAccuracy", o.validation().accuracy());
        n.put("bestEpoch", o.result().bestEpoch());
        n.put("epochs", o.result().epochs().size());
        n.put("engine", o.bundle().manifest().training().path("engine").asText(Dl4jModel.ENGINE));
        n.put("testEngine", o.bundle().manifest().metrics().path("engine").asText(Dl4jModel.ENGINE));
        return n;
    }

    static String machine() {
        return System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS");
    }
}
