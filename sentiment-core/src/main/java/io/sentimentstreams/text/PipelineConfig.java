package io.sentimentstreams.text;

import io.sentimentstreams.contracts.Lang;
import java.util.Objects;

/**
 * Everything that decides how a text becomes token ids; it is stored in each model bundle so serving
 * tokenizes exactly as training did. New fields must get a default in {@link #withDefaults()} so that
 * older bundles keep loading. Build one with {@link #builder(Lang)} (the language's preset) or
 * {@link #toBuilder()}; the record components are its JSON shape.
 *
 * @param lang           {@link Lang} ({@code en} or {@code ko})
 * @param nfkc           NFKC instead of NFC normalization
 * @param stripHtml      HTML line breaks and tags become spaces
 * @param splitSentences tokenize sentence by sentence (Punkt-like splitter) instead of the whole text
 * @param tokenizer      one of {@link Tokenizer}
 * @param lower          lowercase tokens
 * @param filters        Keras filter characters for the {@code keras} tokenizer (null: Keras' default)
 * @param split          Keras {@code split}, the separator of the {@code keras} tokenizer (null: a space)
 * @param oktNorm        Okt {@code norm=True}
 * @param oktStem        Okt {@code stem=True}
 * @param stopwords      stopword list name ({@code none}, {@code nltk-en}, {@code ko-josa})
 * @param minTokenLength tokens shorter than this are dropped (0 or 1 keeps all)
 * @param numWords       Keras {@code num_words}: only indices below it are kept (0: all)
 * @param oovToken       Keras {@code oov_token} (index 1), or null for none
 * @param maxlen         padded length
 * @param padding        {@link PadSide} ({@code pre} or {@code post})
 * @param truncating     {@link PadSide} ({@code pre} or {@code post})
 * @param maxChars       texts longer than this are cut to this many characters before anything else
 * @param rawText        skip normalization (the cut to {@code maxChars} still applies): the tokenizer sees the
 *                       text as given, as Keras' {@code text_to_word_sequence} does; imported bundles set it
 */
public record PipelineConfig(
        Lang lang,
        boolean nfkc,
        boolean stripHtml,
        boolean splitSentences,
        Tokenizer tokenizer,
        boolean lower,
        String filters,
        String split,
        boolean oktNorm,
        boolean oktStem,
        String stopwords,
        int minTokenLength,
        int numWords,
        String oovToken,
        int maxlen,
        PadSide padding,
        PadSide truncating,
        int maxChars,
        // Left out of the JSON when false, so every bundle written before the field keeps its exact bytes.
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT)
        boolean rawText) {

    public static final int DEFAULT_MAX_CHARS = 100_000;
    public static final String DEFAULT_OOV_TOKEN = "<OOV>";

    /** English defaults: Treebank tokens, lowercased, 20k words, OOV, 200 steps pre-padded. */
    public static PipelineConfig englishDefaults() {
        return builder(Lang.EN).build();
    }

    /** Korean defaults: Okt morphemes with normalization and stemming, 30 steps pre-padded. */
    public static PipelineConfig koreanDefaults() {
        return builder(Lang.KO).build();
    }

    /** A builder preset with {@code lang}'s defaults ({@link #englishDefaults()}, {@link #koreanDefaults()}). */
    public static Builder builder(final Lang lang) {
        Objects.requireNonNull(lang, "lang");
        final Builder b = new Builder().lang(lang).stripHtml(true).lower(true).stopwords(Stopwords.NONE)
                .oovToken(DEFAULT_OOV_TOKEN).padding(PadSide.PRE).truncating(PadSide.PRE).maxChars(DEFAULT_MAX_CHARS);
        return switch (lang) {
            case EN -> b.splitSentences(true).tokenizer(Tokenizer.TREEBANK).numWords(20_000).maxlen(200);
            case KO -> b.tokenizer(Tokenizer.OKT).oktNorm(true).oktStem(true).numWords(30_000).maxlen(40);
        };
    }

    /** A builder holding every field of this config, to change some of them. */
    public Builder toBuilder() {
        return new Builder().lang(lang).nfkc(nfkc).stripHtml(stripHtml).splitSentences(splitSentences)
                .tokenizer(tokenizer).lower(lower).filters(filters).split(split).oktNorm(oktNorm).oktStem(oktStem)
                .stopwords(stopwords).minTokenLength(minTokenLength).numWords(numWords).oovToken(oovToken)
                .maxlen(maxlen).padding(padding).truncating(truncating).maxChars(maxChars).rawText(rawText);
    }

    /**
     * Whether padding goes after the tokens (Keras {@code padding='post'}); an unrecorded padding is
     * Keras' default, {@code pre}. Canary rows and engines that build padded rows themselves ask this.
     */
    public boolean postPadding() {
        return withDefaults().padding() == PadSide.POST;
    }

    /** Fills in defaults for fields an older bundle did not record. */
    public PipelineConfig withDefaults() {
        return new PipelineConfig(
                lang == null ? Lang.EN : lang,
                nfkc, stripHtml, splitSentences,
                tokenizer == null ? Tokenizer.defaultFor(lang) : tokenizer,
                lower, filters, split, oktNorm, oktStem,
                stopwords == null ? Stopwords.NONE : stopwords,
                minTokenLength, numWords, oovToken, maxlen,
                padding == null ? PadSide.PRE : padding,
                truncating == null ? PadSide.PRE : truncating,
                maxChars <= 0 ? DEFAULT_MAX_CHARS : maxChars, rawText);
    }

    /** Named setters for every field; {@link #build()} makes the record. Not thread-safe. */
    public static final class Builder {
        private Lang lang;
        private boolean nfkc;
        private boolean stripHtml;
        private boolean splitSentences;
        private Tokenizer tokenizer;
        private boolean lower;
        private String filters;
        private String split;
        private boolean oktNorm;
        private boolean oktStem;
        private String stopwords;
        private int minTokenLength;
        private int numWords;
        private String oovToken;
        private int maxlen;
        private PadSide padding;
        private PadSide truncating;
        private int maxChars;
        private boolean rawText;

        private Builder() {
        }

        public Builder lang(final Lang value) {
            this.lang = value;
            return this;
        }

        public Builder nfkc(final boolean value) {
            this.nfkc = value;
            return this;
        }

        public Builder stripHtml(final boolean value) {
            this.stripHtml = value;
            return this;
        }

        public Builder splitSentences(final boolean value) {
            this.splitSentences = value;
            return this;
        }

        public Builder tokenizer(final Tokenizer value) {
            this.tokenizer = value;
            return this;
        }

        public Builder lower(final boolean value) {
            this.lower = value;
            return this;
        }

        /** Keras filter characters for {@link Tokenizer#KERAS}; null: Keras' default. */
        public Builder filters(final String value) {
            this.filters = value;
            return this;
        }

        /** Keras {@code split} for {@link Tokenizer#KERAS}; null: a space. */
        public Builder split(final String value) {
            this.split = value;
            return this;
        }

        public Builder oktNorm(final boolean value) {
            this.oktNorm = value;
            return this;
        }

        public Builder oktStem(final boolean value) {
            this.oktStem = value;
            return this;
        }

        public Builder stopwords(final String value) {
            this.stopwords = value;
            return this;
        }

        public Builder minTokenLength(final int value) {
            this.minTokenLength = value;
            return this;
        }

        public Builder numWords(final int value) {
            this.numWords = value;
            return this;
        }

        /** Keras {@code oov_token}; null for none. */
        public Builder oovToken(final String value) {
            this.oovToken = value;
            return this;
        }

        public Builder maxlen(final int value) {
            this.maxlen = value;
            return this;
        }

        public Builder padding(final PadSide value) {
            this.padding = value;
            return this;
        }

        public Builder truncating(final PadSide value) {
            this.truncating = value;
            return this;
        }

        public Builder maxChars(final int value) {
            this.maxChars = value;
            return this;
        }

        /** No normalization before tokenizing (Keras applies none). */
        public Builder rawText(final boolean value) {
            this.rawText = value;
            return this;
        }

        public PipelineConfig build() {
            return new PipelineConfig(lang, nfkc, stripHtml, splitSentences, tokenizer, lower, filters, split, oktNorm,
                    oktStem, stopwords, minTokenLength, numWords, oovToken, maxlen, padding, truncating, maxChars, rawText);
        }
    }
}
