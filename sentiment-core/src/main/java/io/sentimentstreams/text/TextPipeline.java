package io.sentimentstreams.text;

import io.sentimentstreams.vocab.Vocabulary;
import java.util.List;

/**
 * Text to token ids, exactly as configured by a {@link PipelineConfig}: normalize, split sentences,
 * tokenize, clean, encode with the vocabulary, pad/truncate. The same instance serves training and
 * serving; it is immutable and safe to share between threads.
 *
 * <p>SKELETON: the text-pipeline work (issue 3) owns and completes this class; the signatures here are
 * what other modules may rely on.
 */
public final class TextPipeline {

    private final PipelineConfig config;
    private final Vocabulary vocabulary;

    private TextPipeline(final PipelineConfig config, final Vocabulary vocabulary) {
        this.config = config.withDefaults();
        this.vocabulary = vocabulary;
    }

    /** A pipeline for tokenizing only (no vocabulary: {@link #encode} is unavailable). */
    public static TextPipeline of(final PipelineConfig config) {
        return new TextPipeline(config, null);
    }

    public static TextPipeline of(final PipelineConfig config, final Vocabulary vocabulary) {
        return new TextPipeline(config, vocabulary);
    }

    public PipelineConfig config() {
        return config;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** Normalized, split, tokenized and cleaned tokens of {@code text}; never throws for any string. */
    public List<String> tokenize(final String text) {
        throw new UnsupportedOperationException("text pipeline not implemented yet (issue 3)");
    }

    /** Token ids of {@code text}, padded/truncated to {@code maxlen}. */
    public Encoding encode(final String text) {
        throw new UnsupportedOperationException("text pipeline not implemented yet (issue 3)");
    }
}
