package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.model.Canary;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.model.dl4j.Dl4jModel;
import io.sentimentstreams.model.dl4j.NetworkFactory;
import io.sentimentstreams.model.fast.FastBiLstm;
import io.sentimentstreams.model.fast.UnsupportedArchitectureException;
import io.sentimentstreams.trainer.data.LabeledText;
import io.sentimentstreams.trainer.eval.Evaluator;
import io.sentimentstreams.trainer.eval.Metrics;
import io.sentimentstreams.vocab.KerasTokenizer;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training rows, validation rows and a {@link TrainerConfig} in; a trained network (the best epoch by the
 * monitored validation figure), its pruned vocabulary, architecture and per-epoch statistics out. The
 * vocabulary is fitted on the training rows only.
 */
public final class Trainer {

    /** Figures of one epoch. */
    public record EpochStats(int epoch, double learningRate, double trainLoss, double validationLoss,
                             double validationAccuracy, double seconds, double reviewsPerSecond) {
    }

    /** What a run produced. */
    /** {@code validation}: the figures of the returned weights (the best epoch's), and their engine. */
    public record Result(MultiLayerNetwork network, Architecture architecture, Vocabulary vocabulary,
                         List<EpochStats> epochs, int bestEpoch, double vocabularySeconds,
                         int pretrainedRows, Validation validation) {

        public Dl4jModel model() {
            return new Dl4jModel(network, architecture);
        }
    }

    /** Called after every epoch that improved the monitored figure, with the network in that state. */
    @FunctionalInterface
    public interface CheckpointListener {
        void improved(Result soFar, EncodedSet validation) throws IOException;
    }

    private final TrainerConfig config;
    private final Featurizer featurizer;
    private final PrintStream err;
    private CheckpointListener checkpoints;

    /** Receives the best-so-far network after each improving epoch (for example to write a bundle). */
    public Trainer onCheckpoint(final CheckpointListener listener) {
        this.checkpoints = listener;
        return this;
    }

    public Trainer(final TrainerConfig config, final Featurizer featurizer, final PrintStream err) {
        this.config = config;
        this.featurizer = featurizer;
        this.err = err;
    }

    /** Fits the vocabulary on tokenized rows (Keras semantics) and prunes it to the indices below num_words. */
    public Vocabulary fitVocabulary(final List<List<String>> tokens) {
        final var p = config.pipeline();
        // Tokens come out of the pipeline already cleaned and lowercased as configured: no second lowering.
        final KerasTokenizer tokenizer = new KerasTokenizer(KerasTokenizer.Options.defaults()
                .withNumWords(p.numWords()).withOovToken(p.oovToken()).withLower(false));
        tokenizer.fitOnTokenLists(tokens);
        return prune(tokenizer.vocabulary(), p.numWords());
    }

    /**
     * Keeps the words with index below {@code numWords}: encoding with Keras semantics maps every other
     * word to the OOV index (or drops it without one) either way, so this changes no id.
     */
    public static Vocabulary prune(final Vocabulary v, final int numWords) {
        if (numWords <= 0 || v.maxIndex() < numWords) {
            return v;
        }
        final Map<String, Integer> index = new LinkedHashMap<>();
        final Map<String, Long> counts = new LinkedHashMap<>();
        for (final Map.Entry<String, Integer> e : v.wordIndex().entrySet()) {
            if (e.getValue() < numWords) {
                index.put(e.getKey(), e.getValue());
                final long c = v.countOf(e.getKey());
                if (c > 0) {
                    counts.put(e.getKey(), c);
                }
            }
        }
        return new Vocabulary(index, counts, v.oovToken(), v.documentCount());
    }

    /** Embedding rows for a vocabulary: num_words when set (and reached), else the largest index + 1. */
    public static int embeddingRows(final Vocabulary v, final int numWords) {
        return numWords > 0 ? Math.min(numWords, v.maxIndex() + 1) : v.maxIndex() + 1;
    }

    public Result train(final List<LabeledText> trainRows, final List<LabeledText> validationRows)
            throws IOException {
        final long t0 = System.nanoTime();
        final List<List<String>> trainTokens = EncodedSet.tokenize(trainRows, featurizer);
        final Vocabulary vocabulary = fitVocabulary(trainTokens);
        final EncodedSet train = EncodedSet.encode(trainRows, trainTokens, featurizer, vocabulary);
        final EncodedSet val = EncodedSet.encode(validationRows, featurizer, vocabulary);
        final double vocabSeconds = (System.nanoTime() - t0) / 1e9;
        err.printf(Locale.ROOT, "vocabulary: %d words kept (num_words %d), fitted and encoded in %.1fs; "
                        + "train %d rows, validation %d rows, OOV rate %.2f%%%n", vocabulary.size(),
                config.pipeline().numWords(), vocabSeconds, train.size(), val.size(), 100 * train.oovRate());
        return train(vocabulary, train, val, vocabSeconds);
    }

    public Result train(final Vocabulary vocabulary, final EncodedSet train, final EncodedSet val,
                        final double vocabSeconds) throws IOException {
        final Architecture arch = config.architecture(embeddingRows(vocabulary, config.pipeline().numWords()));
        Nd4j.getRandom().setSeed(config.seed());
        final MultiLayerNetwork net = NetworkFactory.build(arch, config.seed(), config.knobs());
        int pretrained = 0;
        if (config.embeddings() != null) {
            pretrained = initEmbedding(net, arch, vocabulary, Path.of(config.embeddings()));
        }
        err.printf(Locale.ROOT, "network: %s, %,d parameters%n", arch, net.numParams());
        final int[] lengths = new int[train.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = Math.min(train.tokenCounts()[i], arch.maxlen());
        }
        final List<EpochStats> stats = new ArrayList<>();
        final FastTrainer fast = "fast".equals(config.engine()) ? new FastTrainer(net, arch, config) : null;
        final DataParallel workers = fast == null && config.workers() > 1 ? new DataParallel(net,
                () -> NetworkFactory.build(arch, config.seed(), config.knobs()), config.workers(), config.seed())
                : null;
        INDArray bestParams = null;
        Validation bestValidation = null;
        double best = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0;
        int sinceBest = 0;
        double lr = config.learningRate();
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            net.setLearningRate(lr);
            if (fast != null) {
                fast.setLearningRate(lr);
            }
            if (workers != null) {
                workers.setLearningRate(lr);
            }
            final List<int[]> batches = Batches.epoch(lengths, config.batchSize(),
                    config.bucketing() && arch.masked(), config.seed() * 31 + epoch);
            final Progress progress = new Progress(err, String.format(Locale.ROOT, "epoch %d/%d", epoch,
                    config.epochs()), train.size());
            if (fast != null) {
                fast.epoch(batches, train, progress);
                fast.writeTo(net);
            } else if (workers == null) {
                for (final int[] idx : batches) {
                    final DataSet ds = dataSet(Batches.rows(train.ids(), idx), idx, train.labels(), arch);
                    net.fit(ds);
                    progress.step(idx.length, net.score());
                }
            } else {
                workers.epoch(batches, train, arch, progress);
            }
            final Validation validation = validate(net, arch, val);
            final Metrics vm = validation.metrics();
            progress.finish(val.size() == 0 ? "; no validation rows (the training loss decides)"
                    : String.format(Locale.ROOT, "; validation loss %.4f accuracy %.4f", vm.logLoss(),
                    vm.accuracy()));
            stats.add(new EpochStats(epoch, lr, progress.meanLoss(), vm.logLoss(), vm.accuracy(),
                    progress.seconds(), progress.reviewsPerSecond()));
            final double figure = val.size() == 0 ? -progress.meanLoss()
                    : "loss".equals(config.monitor()) ? -vm.logLoss() : vm.accuracy();
            if (figure > best) {
                best = figure;
                bestEpoch = epoch;
                sinceBest = 0;
                bestParams = net.params().dup();
                bestValidation = validation;
                if (checkpoints != null && epoch < config.epochs()) {
                    checkpoints.improved(new Result(net, arch, vocabulary, List.copyOf(stats), epoch, vocabSeconds,
                            pretrained, validation), val);
                }
            } else if (++sinceBest >= config.patience()) {
                err.printf(Locale.ROOT, "early stop: no better validation %s for %d epochs; keeping epoch %d%n",
                        config.monitor(), sinceBest, bestEpoch);
                break;
            }
            lr *= config.lrDecay();
        }
        if (workers != null) {
            workers.close();
        }
        if (fast != null) {
            fast.close();
        }
        if (bestParams != null && bestEpoch != stats.size()) {
            net.setParams(bestParams);
        }
        if (bestValidation == null) {
            // No epoch was ever better than -infinity (a NaN training loss without validation rows).
            bestValidation = validate(net, arch, val);
        }
        return new Result(net, arch, vocabulary, stats, bestEpoch, vocabSeconds, pretrained, bestValidation);
    }

    private int initEmbedding(final MultiLayerNetwork net, final Architecture arch, final Vocabulary vocabulary,
                              final Path file) throws IOException {
        final WordVectors.Loaded loaded = WordVectors.load(file, vocabulary, arch.vocabSize(), arch.embeddingDim());
        final INDArray w = net.getLayer(0).getParam("W");
        final float[][] table = w.toFloatMatrix();
        final int set = WordVectors.apply(loaded, vocabulary, table);
        w.assign(Nd4j.create(table));
        err.printf(Locale.ROOT, "embedding: %d of %d rows initialised from %s%s%n", set, arch.vocabSize() - 1, file,
                config.freezeEmbeddings() ? " (frozen)" : " (fine-tuned)");
        return set;
    }

    /** A training batch: features trimmed to the batch's active columns when masked, one-hot labels. */
    static DataSet dataSet(final int[][] rows, final int[] idx, final int[] labels, final Architecture arch) {
        final int[] cols = arch.masked() ? Dl4jModel.activeColumns(rows) : new int[] {0, arch.maxlen()};
        final INDArray features = Dl4jModel.features(rows, cols[0], cols[1]);
        final INDArray mask = arch.masked() ? Dl4jModel.featureMask(rows, cols[0], cols[1]) : null;
        final float[] oneHot = new float[idx.length * 2];
        for (int i = 0; i < idx.length; i++) {
            oneHot[i * 2 + labels[idx[i]]] = 1f;
        }
        return new DataSet(features, Nd4j.create(oneHot, new long[] {idx.length, 2}, 'c'), mask, null);
    }

    /**
     * Scores {@code set} with any engine in batches of similar length (less padded work), results in row
     * order; shared by training-time validation, the test set of {@code train} and {@code evaluate}.
     */
    public static float[] score(final SentimentModel model, final EncodedSet set, final int batchSize) {
        final float[] out = new float[set.size()];
        final Integer[] order = new Integer[set.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> set.tokenCounts()[i]));
        for (int from = 0; from < order.length; from += batchSize) {
            final int to = Math.min(order.length, from + batchSize);
            final int[][] rows = new int[to - from][];
            for (int k = from; k < to; k++) {
                rows[k - from] = set.ids()[order[k]];
            }
            final float[] p = model.score(rows);
            for (int k = from; k < to; k++) {
                out[order[k]] = p[k - from];
            }
        }
        return out;
    }

    /** Probabilities of a validation pass and the engine that computed them. */
    record Scored(float[] probabilities, String engine) {
    }

    /** Largest |fast - DL4J| on the cross-check rows that still lets the fast engine score validation. */
    static final double VALIDATION_TOLERANCE = 1e-3;

    /** Rows of the validation set the fast engine is checked on against DL4J before it scores them all. */
    private static final int VALIDATION_PROBE_ROWS = 32;

    /**
     * Scores {@code set} the way serving will: with the fast engine when it can reproduce this network (built
     * from its current weights and checked against DL4J on the first rows of {@code set}), else with DL4J.
     * Over a run that saves a DL4J forward pass over the validation rows per epoch and per checkpoint, and
     * with it DL4J's native activation memory.
     */
    static Scored scoreValidation(final MultiLayerNetwork net, final Architecture arch, final EncodedSet set) {
        return scoreValidation(net, arch, set, VALIDATION_TOLERANCE);
    }

    /** {@link #scoreValidation(MultiLayerNetwork, Architecture, EncodedSet)} with another tolerance (tests). */
    static Scored scoreValidation(final MultiLayerNetwork net, final Architecture arch, final EncodedSet set,
                                  final double tolerance) {
        final Dl4jModel dl4j = new Dl4jModel(net, arch);
        if (set.size() == 0) {
            return new Scored(new float[0], Dl4jModel.ENGINE);
        }
        try (FastBiLstm fast = FastBiLstm.create(net, arch)) {
            final int[][] probe = java.util.Arrays.copyOf(set.ids(), Math.min(VALIDATION_PROBE_ROWS, set.size()));
            if (!Canary.compare(dl4j, fast, probe, tolerance).fastAccepted()) {
                return new Scored(score(dl4j, set, 256), Dl4jModel.ENGINE);
            }
            return new Scored(score(fast, set, 256), FastBiLstm.ENGINE);
        } catch (final UnsupportedArchitectureException e) {
            return new Scored(score(dl4j, set, 256), Dl4jModel.ENGINE);
        }
    }

    /** An epoch's validation figures and the engine that scored them. */
    public record Validation(Metrics metrics, String engine) {
    }

    /** The validation figures of the network as it is now (empty figures without validation rows). */
    public static Validation validate(final MultiLayerNetwork net, final Architecture arch, final EncodedSet val) {
        if (val.size() == 0) {
            return new Validation(Evaluator.evaluate(new float[0], new int[0], null, 0.5), Dl4jModel.ENGINE);
        }
        final Scored scored = scoreValidation(net, arch, val);
        return new Validation(Evaluator.evaluate(scored.probabilities(), val.labels(), val.tokenCounts(), 0.5),
                scored.engine());
    }
}
