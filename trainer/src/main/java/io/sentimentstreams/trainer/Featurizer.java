package io.sentimentstreams.trainer;

import io.sentimentstreams.text.Encoding;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.vocab.Vocabulary;
import java.util.List;

/**
 * Text to tokens (for fitting the vocabulary) and text to padded ids (for training and scoring). The
 * production featurizer is the shared {@link TextPipeline}, so training and serving cannot tokenize
 * differently; tests may plug in a simpler one.
 */
public interface Featurizer {

    PipelineConfig config();

    List<String> tokenize(String text);

    /** Ids of tokens that came from {@link #tokenize}, padded/truncated as configured. */
    Encoding encodeTokens(List<String> tokens, Vocabulary vocabulary);

    default Encoding encode(final String text, final Vocabulary vocabulary) {
        return encodeTokens(tokenize(text), vocabulary);
    }

    /** The shared text pipeline configured by {@code config}. */
    static Featurizer pipeline(final PipelineConfig config) {
        final TextPipeline tokenizer = TextPipeline.of(config);
        return new Featurizer() {
            private volatile Vocabulary cachedVocabulary;
            private volatile TextPipeline cachedPipeline;

            @Override
            public PipelineConfig config() {
                return tokenizer.config();
            }

            @Override
            public List<String> tokenize(final String text) {
                return tokenizer.tokenize(text);
            }

            @Override
            public Encoding encodeTokens(final List<String> tokens, final Vocabulary vocabulary) {
                TextPipeline p = cachedPipeline;
                if (p == null || cachedVocabulary != vocabulary) {
                    p = TextPipeline.of(tokenizer.config(), vocabulary);
                    cachedPipeline = p;
                    cachedVocabulary = vocabulary;
                }
                return p.encodeTokens(tokens);
            }
        };
    }
}
