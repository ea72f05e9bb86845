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
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
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

        /** One JSON line describing the outcome (printed on stdout by {@code train}). */
        public JsonNode summary() {
            final ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("model", bundle.manifest().ref().toString());
            n.put("dir", bundle.dir().toString());
            n.put("digest", bundle.digest());
            if (test != null) {
                n.put("accuracy", test.accuracy());
                n.put("f1", test.f1());
                n.put("auc", test.auc());
                n.put("n", test.n());
            }
            n.put("validationAccuracy", validation.accuracy());
            n.put("bestEpoch", result.bestEpoch());
            n.put("epochs", result.epochs().size());
            n.put("engine", bundle.manifest().training().path("engine").asText(Dl4jModel.ENGINE));
            n.put("testEngine", bundle.manifest().metrics().path("engine").asText(Dl4jModel.ENGINE));
            return n;
        }
    }

    /** The corpus as this run read it: both files, the split, the duplicate and the train/test overlap counts. */
    record Corpus(Dataset train, Dataset test, int overlap, Splits.Split split, Splits.Duplicates duplicates) {
    }

    /** Test figures and the engine that scored them. */
    record TestScore(Metrics metrics, String engine) {
    }

    /**
     * What one bundle of the run holds beyond the run's request and corpus: the weights so far, the validation
     * rows for its canary, the test corpus it names (null in an epoch checkpoint, written before the test data
     * is used), its test figures (null until scored) and whether the run may still replace it.
     */
    record BundleContents(Trainer.Result result, int[][] validationIds, Dataset test, TestScore score,
                          boolean checkpoint) {
    }

    private final Request request;
    private final Featurizer featurizer;
    private final PrintStream err;
    private final EngineChoice testEngine;
    /** Set once this run has written a bundle: its later bundles replace it, but never one made before it. */
    private boolean wroteBundle;

    /** A run that scores its test set as serving will: the fast engine when it passes its canary, else DL4J. */
    public TrainJob(final Request request, final Featurizer featurizer, final PrintStream err) {
        this(request, featurizer, err, EngineChoice.FAST);
    }

    /** @param testEngine the engine the written bundle is loaded with to score the test set */
    public TrainJob(final Request request, final Featurizer featurizer, final PrintStream err,
                    final EngineChoice testEngine) {
        this.request = request;
        this.featurizer = featurizer;
        this.err = err;
        this.testEngine = testEngine;
    }

    public Outcome run() throws IOException, DatasetException, BundleException {
        refuseToReplace();
        final Corpus corpus = read();
        final Trainer trainer = new Trainer(request.config(), featurizer, err);
        // After each improving epoch the best-so-far model is written as a bundle (validation figures only),
        // so a long run leaves a usable model behind even if it is stopped before the test evaluation.
        trainer.onCheckpoint((soFar, valSet) -> {
            try {
                write(corpus, new BundleContents(soFar, valSet.ids(), null, null, true));
            } catch (BundleException e) {
                throw new IOException(e.getMessage(), e);
            }
        });
        final Trainer.Result result = trainer.train(corpus.split().train(), corpus.split().validation());

        final int[][] validationIds = EncodedSet.encode(corpus.split().validation(), featurizer,
                result.vocabulary()).ids();
        TestScore score = null;
        if (corpus.test() != null) {
            // Write the bundle first and score the test set through it, the way serving will: the fast engine
            // when it passes its canary against DL4J (about 20x quicker), else DL4J itself. The engine that
            // produced the figures is recorded with them.
            final ModelBundle untested = write(corpus, new BundleContents(result, validationIds, corpus.test(),
                    null, true));
            score = scoreTest(untested, corpus.test(), result);
        }
        final ModelBundle bundle = write(corpus, new BundleContents(result, validationIds, corpus.test(), score,
                false));
        return new Outcome(bundle, result, result.validation().metrics(), score == null ? null : score.metrics());
    }

    private void refuseToReplace() throws IOException {
        if (!request.overwrite() && Files.exists(request.out())) {
            try (var entries = Files.list(request.out())) {
                if (entries.findAny().isPresent()) {
                    // Fail before training rather than after it.
                    throw new FileAlreadyExistsException(request.out()
                            + " exists and is not empty (use --force to replace it)");
                }
            }
        }
    }

    private Corpus read() throws DatasetException {
        final Dataset train = DatasetReader.read(request.data(), request.read());
        err.println("train: " + train.summary());
        final Splits.Duplicates dups = Splits.duplicates(train.rows());
        if (dups.duplicateRows() > 0) {
            err.printf(Locale.ROOT, "train: %d duplicate texts (%d with conflicting labels); kept as they are%n",
                    dups.duplicateRows(), dups.conflictingLabels());
        }
        Dataset test = null;
        int overlap = 0;
        if (request.test() != null) {
            test = DatasetReader.read(request.test(), request.testRead());
            err.println("test: " + test.summary());
            overlap = Splits.overlap(train.rows(), test.rows());
            if (overlap > 0) {
                err.printf(Locale.ROOT, "test: %d test texts also occur in the training data%n", overlap);
            }
        }
        final TrainerConfig cfg = request.config();
        final Splits.Split split = Splits.forRun(train.rows(), request.limit(), cfg.validationFraction(),
                cfg.seed());
        return new Corpus(train, test, overlap, split, dups);
    }

    private TestScore scoreTest(final ModelBundle untested, final Dataset test, final Trainer.Result result)
            throws IOException, BundleException {
        List<LabeledText> testRows = test.rows();
        if (request.testLimit() > 0 && request.testLimit() < testRows.size()) {
            testRows = Splits.shuffled(testRows, request.config().seed() ^ 0x7e57).subList(0, request.testLimit());
        }
        final long t0 = System.nanoTime();
        final EncodedSet testSet = EncodedSet.encode(testRows, featurizer, result.vocabulary());
        final TestScore score;
        try (LoadedModel served = Engines.load(untested, testEngine)) {
            score = new TestScore(Evaluator.evaluate(Trainer.score(served.model(), testSet, 256), testSet.labels(),
                    testSet.tokenCounts(), 0.5), served.engine());
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        final Metrics m = score.metrics();
        err.printf(Locale.ROOT, "test: accuracy %.4f, F1 %.4f, ROC-AUC %.4f on %d reviews (engine %s, %.0fs)%n",
                m.accuracy(), m.f1(), m.auc(), m.n(), score.engine(), seconds);
        return score;
    }

    private ModelBundle write(final Corpus corpus, final BundleContents c) throws IOException, BundleException {
        final Trainer.Result result = c.result();
        final TrainerConfig cfg = request.config();
        final Dataset train = corpus.train();
        final List<DatasetChecksum> datasets = new ArrayList<>();
        datasets.add(new DatasetChecksum("train", request.data().toString(), train.sha256(), train.rows().size()));
        if (c.test() != null) {
            datasets.add(new DatasetChecksum("test", request.test().toString(), c.test().sha256(),
                    c.test().rows().size()));
        }
        if (cfg.embeddings() != null) {
            // The vectors are an input like the corpus: without their checksum the command does not reproduce.
            datasets.add(new DatasetChecksum("embeddings", cfg.embeddings(),
                    Digests.sha256(Path.of(cfg.embeddings())),
                    result.pretrainedRows()));
        }
        final ObjectNode training = Json.MAPPER.createObjectNode();
        training.set("config", Json.MAPPER.valueToTree(cfg));
        training.put("command", request.commandLine());
        training.put("trainRows", corpus.split().train().size());
        training.put("validationRows", corpus.split().validation().size());
        training.put("skippedRows", train.badRows().size());
        training.put("duplicateTexts", corpus.duplicates().duplicateRows());
        training.put("testOverlap", c.test() == null ? 0 : corpus.overlap());
        training.put("limit", request.limit());
        training.put("bestEpoch", result.bestEpoch());
        training.put("vocabularySize", result.vocabulary().size());
        training.put("pretrainedEmbeddingRows", result.pretrainedRows());
        training.set("epochs", Json.MAPPER.valueToTree(result.epochs()));
        training.put("checkpoint", c.checkpoint());
        training.put("engine", cfg.engine() == null ? Dl4jModel.ENGINE : cfg.engine());
        training.put("machine", machine());
        final ObjectNode metrics = Json.MAPPER.createObjectNode();
        if (c.score() != null) {
            metrics.setAll((ObjectNode) Json.MAPPER.valueToTree(c.score().metrics()));
            metrics.put("testLimit", request.testLimit());
        }
        metrics.set("validation", Json.MAPPER.valueToTree(result.validation().metrics()));
        metrics.put("engine", c.score() != null ? c.score().engine() : Dl4jModel.ENGINE);
        metrics.put("validationEngine", result.validation().engine());

        final BundleManifest manifest = new BundleManifest(BundleManifest.SCHEMA, cfg.name(), request.version(),
                cfg.pipeline().lang(), Instant.now(), cfg.pipeline(), result.architecture(), 0.5, null, datasets,
                training, metrics);
        final BundleWriter writer = BundleWriter.create(request.out(), request.overwrite() || wroteBundle);
        final ModelBundle bundle;
        try {
            writer.file(BundleManifest.NETWORK, p -> ModelSerializer.writeModel(result.network(), p.toFile(), false));
            writer.vocabulary(result.vocabulary());
            OnnxHook.export(writer, manifest, result.network(), err);
            StoredCanary.add(writer, manifest, result.vocabulary(), result.model(), c.validationIds(),
                    "5 generated edge cases, then validation reviews of this run");
            writer.text(BundleManifest.MODEL_CARD, ModelCard.render(manifest, request, train, c));
            bundle = writer.finish(manifest);
            wroteBundle = true;
        } catch (IOException | BundleException | RuntimeException e) {
            writer.abandon();
            throw e;
        }
        err.println((c.checkpoint() ? "checkpoint bundle (epoch " + result.bestEpoch() + ", no test figures yet): "
                : "bundle: ") + bundle + " digest " + bundle.digest());
        return bundle;
    }

    static String machine() {
        return System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS");
    }
}
