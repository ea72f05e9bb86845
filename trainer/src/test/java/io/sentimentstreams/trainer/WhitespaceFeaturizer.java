package io.sentimentstreams.trainer;

import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.text.Encoding;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.Tokenizer;
import io.sentimentstreams.vocab.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Test featurizer: lowercase whitespace tokens, Keras num_words/OOV semantics, pre-padding. Its config names
 * {@code wordpunct} because a config can only name a real tokenizer; no test tokenizes through that config.
 */
final class WhitespaceFeaturizer implements Featurizer {

    private final PipelineConfig config;

    WhitespaceFeaturizer(final int numWords, final int maxlen) {
        this.config = PipelineConfig.builder(Lang.EN).stripHtml(false).splitSentences(false)
                .tokenizer(Tokenizer.WORDPUNCT).numWords(numWords).maxlen(maxlen).build();
    }

    @Override
    public PipelineConfig config() {
        return config;
    }

    @Override
    public List<String> tokenize(final String text) {
        final List<String> out = new ArrayList<>();
        for (final String t : text.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public Encoding encodeTokens(final List<String> tokens, final Vocabulary v) {
        final int[] ids = new int[tokens.size()];
        int oov = 0;
        for (int i = 0; i < ids.length; i++) {
            final int idx = v.indexOf(tokens.get(i));
            if (idx > 0 && idx < config.numWords()) {
                ids[i] = idx;
            } else {
                ids[i] = v.oovIndex();
                oov++;
            }
        }
        final int maxlen = config.maxlen();
        final int[] out = new int[maxlen];
        final int take = Math.min(ids.length, maxlen);
        System.arraycopy(ids, ids.length - take, out, maxlen - take, take);
        return new Encoding(out, ids.length, oov);
    }

    static int[] unpadded(final int[] ids) {
        return Arrays.stream(ids).filter(i -> i != 0).toArray();
    }
}
