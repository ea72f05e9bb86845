package io.sentimentstreams.text;

/**
 * Everything that decides how a text becomes token ids; it is stored in each model bundle so serving
 * tokenizes exactly as training did. New fields must get a default in {@link #withDefaults()} so that
 * older bundles keep loading.
 *
 * @param lang           {@code en} or {@code ko}
 * @param nfkc           NFKC instead of NFC normalization
 * @param stripHtml      HTML line breaks and tags become spaces
 * @param splitSentences tokenize sentence by sentence (Punkt-like splitter) instead of the whole text
 * @param tokenizer      {@code treebank}, {@code wordpunct}, {@code keras}, {@code okt}, {@code nori} or
 *                       {@code nori-punct}
 * @param lower          lowercase tokens
 * @param filters        Keras filter characters for the {@code keras} tokenizer (null: Keras' default)
 * @param oktNorm        Okt {@code norm=True}
 * @param oktStem        Okt {@code stem=True}
 * @param stopwords      stopword list name ({@code none}, {@code nltk-en}, {@code ko-josa})
 * @param minTokenLength tokens shorter than this are dropped (0 or 1 keeps all)
 * @param numWords       Keras {@code num_words}: only indices below it are kept (0: all)
 * @param oovToken       Keras {@code oov_token} (index 1), or null for none
 * @param maxlen         padded length
 * @param padding        {@code pre} or {@code post}
 * @param truncating     {@code pre} or {@code post}
 * @param maxChars       texts longer than this are cut to this many characters before anything else
 */
public record PipelineConfig(
        String lang,
        boolean nfkc,
        boolean stripHtml,
        boolean splitSentences,
        String tokenizer,
        boolean lower,
        String filters,
        boolean oktNorm,
        boolean oktStem,
        String stopwords,
        int minTokenLength,
        int numWords,
        String oovToken,
        int maxlen,
        String padding,
        String truncating,
        int maxChars) {

    public static final int DEFAULT_MAX_CHARS = 100_000;

    /** English defaults: Treebank tokens, lowercased, 20k words, OOV, 200 steps pre-padded. */
    public static PipelineConfig englishDefaults() {
        return new PipelineConfig("en", false, true, true, "treebank", true, null, false, false, "none", 0,
                20_000, "<OOV>", 200, "pre", "pre", DEFAULT_MAX_CHARS);
    }

    /** Korean defaults: Okt morphemes with normalization and stemming, 30 steps pre-padded. */
    public static PipelineConfig koreanDefaults() {
        return new PipelineConfig("ko", false, true, false, "okt", true, null, true, true, "none", 0,
                30_000, "<OOV>", 40, "pre", "pre", DEFAULT_MAX_CHARS);
    }

    /**
     * Whether padding goes after the tokens (Keras {@code padding='post'}); an unrecorded padding is
     * Keras' default, {@code pre}. Canary rows and engines that build padded rows themselves ask this.
     */
    public boolean postPadding() {
        return "post".equals(withDefaults().padding());
    }

    /** Fills in defaults for fields an older bundle did not record. */
    public PipelineConfig withDefaults() {
        return new PipelineConfig(
                lang == null ? "en" : lang,
                nfkc, stripHtml, splitSentences,
                tokenizer == null ? ("ko".equals(lang) ? "okt" : "treebank") : tokenizer,
                lower, filters, oktNorm, oktStem,
                stopwords == null ? "none" : stopwords,
                minTokenLength, numWords, oovToken, maxlen,
                padding == null ? "pre" : padding,
                truncating == null ? "pre" : truncating,
                maxChars <= 0 ? DEFAULT_MAX_CHARS : maxChars);
    }
}
