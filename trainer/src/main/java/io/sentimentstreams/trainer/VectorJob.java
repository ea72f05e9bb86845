package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.Digests;
import io.sentimentstreams.trainer.data.Dataset;
import io.sentimentstreams.trainer.data.DatasetException;
import io.sentimentstreams.trainer.data.DatasetReader;
import io.sentimentstreams.trainer.data.LabeledText;
import io.sentimentstreams.trainer.data.ReadOptions;
import io.sentimentstreams.trainer.data.Splits;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.deeplearning4j.models.sequencevectors.SequenceVectors;
import org.deeplearning4j.models.sequencevectors.enums.ListenerEvent;
import org.deeplearning4j.models.sequencevectors.interfaces.VectorsListener;
import org.deeplearning4j.models.word2vec.VocabWord;
import org.deeplearning4j.models.word2vec.Word2Vec;
import org.deeplearning4j.text.sentenceiterator.CollectionSentenceIterator;
import org.deeplearning4j.text.tokenization.tokenizerfactory.DefaultTokenizerFactory;

/**
 * {@code ./sentiment vectors}: word2vec (skip-gram, negative sampling; DL4J's {@link Word2Vec}) trained on the
 * texts of a corpus after the same text pipeline the model will use, written as a GloVe-format text file that
 * {@code ./sentiment train --embeddings} reads ({@link WordVectors}).
 *
 * <p>Why our own vectors: the issue asks for an embedding initialised from a GloVe/word2vec file, and no
 * pre-trained file is on this machine (nor reachable). Vectors fitted on the training texts use no labels,
 * and only the rows the training run will train on: the validation rows of the same split (same
 * {@code --val-fraction} and {@code --seed} as {@code train}) and the test corpus are left out, so neither
 * validation nor test figures see text the vectors were fitted on.
 */
public final class VectorJob {

    /** What to fit and where to write it. */
    public record Request(Path data, ReadOptions read, Path out, boolean overwrite, int limit, double valFraction,
                          long seed, int dim, int window, int minCount, int negative, int epochs, int workers,
                          double learningRate, double sampling) {
    }

    /** What was written. */
    public record Outcome(Path out, String sha256, int words, int dim, long tokens, int texts, double seconds) {
    }

    private static final Pattern WHITESPACE = Pattern.compile("\\s");

    private VectorJob() {
    }

    /** One stderr line per finished epoch (DL4J itself only logs at INFO, which the CLI does not show). */
    private record EpochProgress(int epochs, long startNanos, PrintStream err) implements VectorsListener<VocabWord> {

        @Override
        public boolean validateEvent(final ListenerEvent event, final long argument) {
            return event == ListenerEvent.EPOCH;
        }

        @Override
        public void processEvent(final ListenerEvent event, final SequenceVectors<VocabWord> vectors,
                                 final long argument) {
            final double s = (System.nanoTime() - startNanos) / 1e9;
            final long done = argument; // DL4J counts epochs from 1 here
            err.printf(Locale.ROOT, "vectors: epoch %d/%d done, %.0f s elapsed, ETA %.0f s%n", done, epochs, s,
                    s / done * (epochs - done));
        }
    }

    public static Outcome run(final Request r, final Featurizer featurizer, final PrintStream err)
            throws IOException, DatasetException {
        if (!r.overwrite() && Files.exists(r.out())) {
            throw new FileAlreadyExistsException(r.out() + " exists (use --force to replace it)");
        }
        if (r.dim() < 1 || r.window() < 1 || r.minCount() < 1 || r.negative() < 1 || r.epochs() < 1
                || r.workers() < 1) {
            throw new IllegalArgumentException("--dim, --window, --min-count, --negative, --epochs and --workers "
                    + "must be at least 1");
        }
        final Dataset dataset = DatasetReader.read(r.data(), r.read());
        err.println("data: " + dataset.summary());
        // The very split TrainJob makes with the same limit, fraction and seed: only its training rows are used.
        final Splits.Split split = Splits.forRun(dataset.rows(), r.limit(), r.valFraction(), r.seed());
        final List<LabeledText> train = split.train();
        err.printf(Locale.ROOT, "vectors: fitting on the %d training rows (validation fraction %.2f, seed %d left "
                + "out %d rows)%n", train.size(), r.valFraction(), r.seed(), split.validation().size());

        final long t0 = System.nanoTime();
        final List<String> sentences = new ArrayList<>(train.size());
        long tokens = 0;
        for (final LabeledText row : train) {
            final List<String> toks = featurizer.tokenize(row.text());
            tokens += toks.size();
            // DL4J splits the line on whitespace again; pipeline tokens carry none, but a stray one must not
            // turn one token into two.
            final StringBuilder line = new StringBuilder();
            for (final String t : toks) {
                if (line.length() > 0) {
                    line.append(' ');
                }
                line.append(WHITESPACE.matcher(t).replaceAll("_"));
            }
            sentences.add(line.toString());
        }
        err.printf(Locale.ROOT, "vectors: %,d tokens tokenized in %.1f s; training %d epochs of skip-gram "
                        + "(dim %d, window %d, %d negatives, min count %d, %d workers)%n", tokens,
                (System.nanoTime() - t0) / 1e9, r.epochs(), r.dim(), r.window(), r.negative(), r.minCount(),
                r.workers());

        final long t1 = System.nanoTime();
        final Word2Vec w2v = new Word2Vec.Builder()
                .layerSize(r.dim())
                .windowSize(r.window())
                .minWordFrequency(r.minCount())
                .negativeSample(r.negative())
                .useHierarchicSoftmax(false)
                .sampling(r.sampling())
                .learningRate(r.learningRate())
                .minLearningRate(r.learningRate() / 1000)
                .epochs(r.epochs())
                .iterations(1)
                .seed(r.seed())
                .workers(r.workers())
                .iterate(new CollectionSentenceIterator(sentences))
                .tokenizerFactory(new DefaultTokenizerFactory())
                .setVectorsListeners(List.of(new EpochProgress(r.epochs(), t1, err)))
                .build();
        w2v.fit();
        final double fitSeconds = (System.nanoTime() - t1) / 1e9;

        final List<VocabWord> words = new ArrayList<>(w2v.getVocab().vocabWords());
        // Most frequent first, like the vocabulary, so the head of the file is the part that matters.
        words.sort(Comparator.comparingDouble(VocabWord::getElementFrequency).reversed()
                .thenComparing(VocabWord::getWord));
        final Path tmp = r.out().resolveSibling(r.out().getFileName() + ".tmp");
        if (r.out().getParent() != null) {
            Files.createDirectories(r.out().getParent());
        }
        int written = 0;
        try (OutputStream raw = Files.newOutputStream(tmp);
             OutputStream os = r.out().toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
             BufferedWriter w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
            for (final VocabWord vw : words) {
                final double[] v = w2v.getWordVector(vw.getWord());
                if (v == null) {
                    continue;
                }
                w.write(vw.getWord());
                for (final double x : v) {
                    w.write(' ');
                    w.write(Float.toString((float) x));
                }
                w.write('\n');
                written++;
            }
        }
        Files.move(tmp, r.out(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        final String sha = Digests.sha256(r.out());
        err.printf(Locale.ROOT, "vectors: %d words x %d written to %s in %.1f s of training (%,.0f tokens/s per "
                + "epoch); sha256 %s%n", written, r.dim(), r.out(), fitSeconds, tokens * r.epochs() / fitSeconds, sha);
        return new Outcome(r.out(), sha, written, r.dim(), tokens, train.size(), fitSeconds);
    }
}
