package io.sentimentstreams.trainer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.trainer.data.Dataset;
import io.sentimentstreams.trainer.data.DatasetException;
import io.sentimentstreams.trainer.data.DatasetReader;
import io.sentimentstreams.trainer.data.LabeledText;
import io.sentimentstreams.trainer.data.ReadOptions;
import io.sentimentstreams.trainer.data.Splits;
import io.sentimentstreams.trainer.eval.Evaluator;
import io.sentimentstreams.trainer.eval.Metrics;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A bundle directory and a labeled corpus in; the bundle's metrics on that corpus out (through the bundle's
 * own text pipeline and the chosen engine), as one JSON object.
 */
public final class EvaluateJob {

    /** The metrics, the engine that produced the scores, and timing. */
    public record Outcome(Metrics metrics, String engine, String model, String datasetSha256, double seconds,
                          int skippedRows) {

        public ObjectNode json() {
            final ObjectNode n = Json.MAPPER.valueToTree(metrics);
            n.put("engine", engine);
            n.put("model", model);
            n.put("datasetSha256", datasetSha256);
            n.put("skippedRows", skippedRows);
            n.put("seconds", Math.round(seconds * 10) / 10.0);
            return n;
        }
    }

    private EvaluateJob() {
    }

    /** Reads a bundle's vocabulary and builds its pipeline (what serving does with the same bundle). */
    public static TextPipeline pipeline(final ModelBundle bundle) throws IOException {
        final BundleManifest m = bundle.manifest();
        final Vocabulary v = Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY), m.pipeline().oovToken());
        return TextPipeline.of(m.pipeline(), v);
    }

    public static Outcome run(final Path bundleDir, final Path data, final ReadOptions read, final EngineChoice engine,
                              final int limit, final PrintStream err)
            throws BundleException, DatasetException, IOException {
        final ModelBundle bundle = ModelBundle.load(bundleDir);
        final TextPipeline pipeline = pipeline(bundle);
        final Dataset ds = DatasetReader.read(data, read);
        err.println("data: " + ds.summary());
        List<LabeledText> rows = ds.rows();
        if (limit > 0 && limit < rows.size()) {
            rows = Splits.shuffled(rows, 42).subList(0, limit);
        }
        final long t0 = System.nanoTime();
        final Featurizer f = new PipelineFeaturizer(pipeline);
        final EncodedSet set = EncodedSet.encode(rows, f, pipeline.vocabulary());
        try (LoadedModel model = Engines.load(bundle, engine)) {
            final float[] scores = Trainer.score(model.model(), set, 256);
            final Metrics m = Evaluator.evaluate(scores, set.labels(), set.tokenCounts(), bundle.manifest().threshold());
            final double secs = (System.nanoTime() - t0) / 1e9;
            err.printf(Locale.ROOT, "%s on %d reviews with engine %s: accuracy %.4f, F1 %.4f, ROC-AUC %.4f (%.1fs)%n",
                    bundle.manifest().ref(), m.n(), model.engine(), m.accuracy(), m.f1(), m.auc(), secs);
            return new Outcome(m, model.engine(), bundle.manifest().ref().toString(), ds.sha256(), secs,
                    ds.badRows().size());
        }
    }

    /** A featurizer over an already-built pipeline (its vocabulary is the bundle's). */
    static final class PipelineFeaturizer implements Featurizer {
        private final TextPipeline pipeline;

        PipelineFeaturizer(final TextPipeline pipeline) {
            this.pipeline = pipeline;
        }

        @Override
        public io.sentimentstreams.text.PipelineConfig config() {
            return pipeline.config();
        }

        @Override
        public List<String> tokenize(final String text) {
            return pipeline.tokenize(text);
        }

        @Override
        public io.sentimentstreams.text.Encoding encodeTokens(final List<String> tokens, final Vocabulary vocabulary) {
            return pipeline.encodeTokens(tokens);
        }
    }
}
