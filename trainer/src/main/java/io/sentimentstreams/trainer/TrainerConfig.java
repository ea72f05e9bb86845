package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.model.dl4j.NetworkFactory;
import io.sentimentstreams.text.PipelineConfig;

/**
 * Every hyperparameter of a training run, with its seed: together with the dataset checksums this is
 * enough to reproduce a bundle (it is stored in bundle.json under {@code training.config}).
 *
 * @param name               model name (bundle name, Kafka key prefix)
 * @param type               {@code bilstm}, {@code lstm}, {@code simplernn} or {@code embedding-dense}
 * @param embeddingDim       embedding width E
 * @param hiddenSize         recurrent units per direction H
 * @param pooling            over time ({@link Pooling})
 * @param denseSize          hidden dense layer width (0: none)
 * @param denseActivation    its activation
 * @param masked             train and serve with a mask over padding (see docs/model.md)
 * @param epochs             maximum epochs
 * @param batchSize          reviews per gradient step
 * @param learningRate       Adam learning rate of the first epoch
 * @param lrDecay            factor applied to the learning rate after every epoch (1: constant)
 * @param dropout            drop probability on the recurrent layer's input and before the output (0: none)
 * @param l2                 L2 weight decay (0: none)
 * @param clip               element-wise gradient clipping (0: none)
 * @param validationFraction fraction of the training rows held out for early stopping
 * @param patience           epochs without improvement before stopping
 * @param monitor            {@code accuracy} or {@code loss} on the validation rows
 * @param bucketing          group batches by review length (fewer padded steps); exact only with masked
 *                           {@code last} pooling: with max/mean pooling the LSTM runs through padding,
 *                           so buckets train on less padding than serving adds (trainer/README.md)
 * @param embeddings         optional GloVe/word2vec text file to initialise the embedding (null: random)
 * @param freezeEmbeddings   keep those vectors fixed
 * @param workers            data-parallel replicas, each on its own thread, parameters and Adam state
 *                           averaged after every step (1: plain single-network training)
 * @param engine             {@code dl4j} (DL4J's {@code fit()}) or {@code fast} (our own passes, {@link
 *                           FastTrainer}; unmasked {@code bilstm} only); the network and bundle are the same
 * @param seed               seeds weights, shuffling, the split and dropout
 * @param pipeline           the text pipeline (tokenizer, vocabulary size, maxlen, padding)
 */
public record TrainerConfig(
        String name,
        String type,
        int embeddingDim,
        int hiddenSize,
        Pooling pooling,
        int denseSize,
        String denseActivation,
        boolean masked,
        int epochs,
        int batchSize,
        double learningRate,
        double lrDecay,
        double dropout,
        double l2,
        double clip,
        double validationFraction,
        int patience,
        String monitor,
        boolean bucketing,
        String embeddings,
        boolean freezeEmbeddings,
        int workers,
        String engine,
        long seed,
        PipelineConfig pipeline) {

    /** {@code train --lang en} without other flags (the shipped imdb-en's recipe is in its model card). */
    public static TrainerConfig englishDefaults() {
        return new TrainerConfig("imdb-en", "bilstm", 64, 64, Pooling.MAX, 0, "relu", true, 6, 64, 2e-3, 0.7, 0.2,
                0.0, 1.0, 0.1, 2, "accuracy", true, null, false, 2, "dl4j", 42L, PipelineConfig.englishDefaults());
    }

    /** {@code train --lang ko} without other flags (the shipped nsmc-ko's recipe is in its model card). */
    public static TrainerConfig koreanDefaults() {
        return new TrainerConfig("nsmc-ko", "bilstm", 64, 64, Pooling.MAX, 0, "relu", true, 5, 128, 2e-3, 0.7, 0.2,
                0.0, 1.0, 0.1, 2, "accuracy", true, null, false, 2, "dl4j", 42L, PipelineConfig.koreanDefaults());
    }

    /** {@code train --lang} without other flags: {@link #koreanDefaults()} for Korean, else English. */
    public static TrainerConfig defaults(final Lang lang) {
        return lang == Lang.KO ? koreanDefaults() : englishDefaults();
    }

    /** Rows of the embedding table: Keras' {@code num_words} when set, else the whole vocabulary + padding. */
    public Architecture architecture(final int vocabularyRows) {
        return new Architecture(type, vocabularyRows, embeddingDim, "embedding-dense".equals(type) ? 0 : hiddenSize,
                pooling, denseSize, denseActivation, "softmax2", masked && !"embedding-dense".equals(type),
                pipeline.maxlen());
    }

    /** Why this configuration cannot train on its {@link #engine}, or null when it can. */
    public String engineProblem() {
        return "fast".equals(engine) ? FastTrainer.unsupported(this, architecture(2)) : null;
    }

    public NetworkFactory.TrainingKnobs knobs() {
        return new NetworkFactory.TrainingKnobs(learningRate, dropout, l2, clip, embeddings != null && freezeEmbeddings);
    }

    public TrainerConfig withPipeline(final PipelineConfig p) {
        return new TrainerConfig(name, type, embeddingDim, hiddenSize, pooling, denseSize, denseActivation, masked,
                epochs, batchSize, learningRate, lrDecay, dropout, l2, clip, validationFraction, patience, monitor,
                bucketing, embeddings, freezeEmbeddings, workers, engine, seed, p);
    }
}
