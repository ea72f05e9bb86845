package io.sentimentstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.trainer.data.Dataset;
import io.sentimentstreams.trainer.data.DatasetFormat;
import io.sentimentstreams.trainer.data.DatasetReader;
import io.sentimentstreams.trainer.data.LabeledText;
import io.sentimentstreams.trainer.data.ReadOptions;
import io.sentimentstreams.trainer.data.Splits;
import io.sentimentstreams.trainer.eval.Evaluator;
import io.sentimentstreams.trainer.eval.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One short epoch on a few thousand real IMDB reviews through the real text pipeline must beat the
 * majority class clearly on held-out test reviews. Skipped when ../shared/data is not there.
 */
class ImdbSmokeTrainingTest {

    @Test
    void oneShortEpochOnRealReviewsBeatsTheMajorityClass() throws Exception {
        final Path data = Path.of(System.getProperty("sentiment.data.dir", "../../shared/data"), "imdb");
        assumeTrue(Files.isRegularFile(data.resolve("train.tsv.gz")),
                "IMDB corpus not found at " + data + " (set -Dsentiment.data.dir); skipping the training smoke test");
        NativeSetup.configure();
        final Dataset train = DatasetReader.read(data.resolve("train.tsv.gz"), ReadOptions.of(DatasetFormat.IMDB));
        final Dataset test = DatasetReader.read(data.resolve("test.tsv.gz"), ReadOptions.of(DatasetFormat.IMDB));
        final List<LabeledText> trainRows = Splits.shuffled(train.rows(), 1).subList(0, 3000);
        final List<LabeledText> testRows = Splits.shuffled(test.rows(), 2).subList(0, 600);

        final PipelineConfig en = PipelineConfig.englishDefaults();
        final PipelineConfig pipeline = en.toBuilder().numWords(5000).maxlen(100).build();
        final TrainerConfig cfg = new TrainerConfig("smoke", "bilstm", 32, 16, Pooling.MAX, 0, "relu", true, 1, 16, 0.005,
                1.0, 0.0, 0.0, 1.0, 0.05, 1, "accuracy", true, null, false, 1, "dl4j", 42L, pipeline);
        final Featurizer f = Featurizer.pipeline(pipeline);
        final Splits.Split split = Splits.split(trainRows, cfg.validationFraction(), cfg.seed());
        final Trainer.Result r = new Trainer(cfg, f, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)).train(split.train(), split.validation());

        final EncodedSet testSet = EncodedSet.encode(testRows, f, r.vocabulary());
        final Metrics m = Evaluator.evaluate(Trainer.score(r.model(), testSet, 128), testSet.labels(),
                testSet.tokenCounts(), 0.5);
        final double majority = Math.max(testSet.labels().length - sum(testSet.labels()), sum(testSet.labels()))
                / (double) testSet.size();
        assertThat(m.accuracy()).as("accuracy %s vs majority %s", m.accuracy(), majority).isGreaterThan(majority + 0.1);
        assertThat(m.auc()).isGreaterThan(0.7);
    }

    private static int sum(final int[] a) {
        int s = 0;
        for (final int x : a) {
            s += x;
        }
        return s;
    }
}
