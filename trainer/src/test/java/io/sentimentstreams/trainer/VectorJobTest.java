package io.sentimentstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.DatasetChecksum;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.contracts.Lang;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** word2vec on a corpus the test writes: the file loads as embedding vectors and carries the co-occurrences. */
class VectorJobTest {

    private static final String[] POS = {"good", "great", "lovely", "superb"};
    private static final String[] NEG = {"bad", "awful", "dull", "boring"};
    private static final String[] FILLER = {"the", "film", "plot", "actor", "scene", "music", "story", "end"};

    @TempDir
    Path dir;

    private Path corpus(final int rows) throws IOException {
        final Random rnd = new Random(3);
        final StringBuilder sb = new StringBuilder("label\ttext\tid\n");
        for (int i = 0; i < rows; i++) {
            final boolean pos = i % 2 == 0;
            final String[] words = pos ? POS : NEG;
            final String verb = pos ? (rnd.nextBoolean() ? "loved" : "enjoyed") : (rnd.nextBoolean() ? "hated"
                    : "regretted");
            sb.append(pos ? 1 : 0).append('\t').append(FILLER[rnd.nextInt(FILLER.length)]).append(" i ").append(verb)
                    .append(" it so ").append(words[rnd.nextInt(4)]).append(" and ").append(words[rnd.nextInt(4)])
                    .append(" really ").append(verb).append(' ').append(FILLER[rnd.nextInt(FILLER.length)])
                    .append('\t').append(i).append('\n');
        }
        final Path f = dir.resolve("corpus.tsv");
        Files.writeString(f, sb.toString());
        return f;
    }

    private VectorJob.Request request(final Path data, final Path out, final boolean force) {
        return new VectorJob.Request(data, new ReadOptions(DatasetFormat.IMDB, null, null, null, false), out, force, 0,
                0.1, 42, 16, 3, 2, 5, 20, 1, 0.025, 0);
    }

    @Test
    void vectorsLoadForTheEmbeddingAndWordsOfOneSentimentEndUpCloser() throws Exception {
        final Path out = dir.resolve("vectors.txt.gz");
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final VectorJob.Outcome o = VectorJob.run(request(corpus(2000), out, false), new WhitespaceFeaturizer(100, 20),
                new PrintStream(log, true, StandardCharsets.UTF_8));

        // Only the training rows of train's own split (90 % of 2,000) were used.
        assertThat(o.texts()).isEqualTo(1800);
        assertThat(o.tokens()).isEqualTo(1800L * 11);
        assertThat(o.dim()).isEqualTo(16);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("fitting on the 1800 training rows")
                .contains(o.sha256());

        final Map<String, Integer> index = new LinkedHashMap<>();
        index.put("<OOV>", 1);
        for (final String w : List.of(POS)) {
            index.put(w, index.size() + 1);
        }
        for (final String w : List.of(NEG)) {
            index.put(w, index.size() + 1);
        }
        index.put("unseen", index.size() + 1);
        final Vocabulary vocab = new Vocabulary(index, Map.of(), "<OOV>", 0);
        final WordVectors.Loaded loaded = WordVectors.load(out, vocab, index.size() + 1, 16);
        assertThat(loaded.vectors()).containsOnlyKeys(List.of(POS[0], POS[1], POS[2], POS[3], NEG[0], NEG[1], NEG[2],
                NEG[3]));
        assertThat(o.words()).isEqualTo(loaded.linesRead());

        double same = 0;
        double across = 0;
        int nSame = 0;
        int nAcross = 0;
        for (final String a : loaded.vectors().keySet()) {
            for (final String b : loaded.vectors().keySet()) {
                if (a.compareTo(b) >= 0 || !loaded.vectors().containsKey(a) || !loaded.vectors().containsKey(b)) {
                    continue;
                }
                final double c = cosine(loaded.vectors().get(a), loaded.vectors().get(b));
                if (List.of(POS).contains(a) == List.of(POS).contains(b)) {
                    same += c;
                    nSame++;
                } else {
                    across += c;
                    nAcross++;
                }
            }
        }
        assertThat(same / nSame).as("mean cosine within a sentiment vs across")
                .isGreaterThan(across / nAcross + 0.2);

        // And train reads them: the rows are initialised and the bundle names the file with its checksum.
        final WhitespaceFeaturizer f = new WhitespaceFeaturizer(100, 16);
        final TrainerConfig cfg = new TrainerConfig("w2v-init", "bilstm", 16, 4, Pooling.MAX, 0, "relu", true, 1, 32,
                0.01, 1.0, 0.0, 0.0, 1.0, 0.1, 1, "accuracy", true, out.toString(), false, 1, "dl4j", 42L, f.config());
        final Path bundle = dir.resolve("bundle");
        final ByteArrayOutputStream trainLog = new ByteArrayOutputStream();
        final TrainJob.Outcome trained = new TrainJob(new TrainJob.Request(corpus(2000), ReadOptions.of(
                DatasetFormat.IMDB), null, null, bundle, false, 1, 0, 0, cfg, "./sentiment train (test)"), f,
                new PrintStream(trainLog, true, StandardCharsets.UTF_8)).run();
        assertThat(trained.result().pretrainedRows()).isGreaterThanOrEqualTo(8);
        assertThat(trainLog.toString(StandardCharsets.UTF_8)).contains("rows initialised from " + out);
        final BundleManifest manifest = ModelBundle.load(bundle).manifest();
        assertThat(manifest.datasets()).contains(new DatasetChecksum("embeddings", out.toString(), o.sha256(),
                trained.result().pretrainedRows()));
        assertThat(Files.readString(bundle.resolve(BundleManifest.MODEL_CARD))).contains("| embeddings | `" + out)
                .contains("rows from " + out)
                .contains("./sentiment vectors --data " + dir.resolve("corpus.tsv") + " --format imdb --lang en "
                        + "--tokenizer wordpunct --out " + out + " --dim 16\n./sentiment train (test)");
    }

    @Test
    void theCardsVectorsCommandLeavesOutTheSameRowsAsTheTrainingRun() {
        final WhitespaceFeaturizer f = new WhitespaceFeaturizer(100, 16);
        final TrainerConfig cfg = new TrainerConfig("w2v-init", "bilstm", 16, 4, Pooling.MAX, 0, "relu", true, 1, 32,
                0.01, 1.0, 0.0, 0.0, 1.0, 0.2, 1, "accuracy", true, "v.txt", false, 1, "dl4j", 7L, f.config());
        final TrainJob.Request r = new TrainJob.Request(Path.of("d.tsv"), ReadOptions.of(DatasetFormat.TSV), null,
                null, Path.of("out"), false, 1, 500, 0, cfg, "./sentiment train ...");
        assertThat(ModelCard.vectorsCommand(r, Lang.EN, Tokenizer.TREEBANK, 16)).isEqualTo("./sentiment vectors --data d.tsv "
                + "--format tsv --lang en --tokenizer treebank --out v.txt --dim 16 --limit 500 --val-fraction 0.2 "
                + "--seed 7");
    }

    @Test
    void anExistingFileIsKeptWithoutForce() throws Exception {
        final Path out = dir.resolve("kept.txt");
        Files.writeString(out, "keep me");
        assertThatThrownBy(() -> VectorJob.run(request(corpus(50), out, false), new WhitespaceFeaturizer(100, 20),
                System.err)).hasMessageContaining("exists").hasMessageContaining("--force");
        assertThat(Files.readString(out)).isEqualTo("keep me");
    }

    private static double cosine(final float[] a, final float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
