package io.sentimentstreams.text;

import io.sentimentstreams.vocab.KerasTokenizer;
import io.sentimentstreams.vocab.Vocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Text to token ids, exactly as configured by a {@link PipelineConfig}: normalize, split sentences,
 * tokenize, clean, encode with the vocabulary, pad/truncate. The same instance serves training and
 * serving; it is immutable and safe to share between threads.
 *
 * <p>Construction validates the configuration (unknown stopword list, a vocabulary whose OOV token differs
 * from the config's, a broken Okt runtime; tokenizer and padding names are checked where the config is parsed,
 * see {@link Tokenizer} and {@link PadSide}) and throws there, once. After that
 * {@link #tokenize} and {@link #encode} accept any {@code String}, null included, and never throw: texts
 * longer than {@code maxChars} are cut to their first {@code maxChars} UTF-16 units (one less when the cut
 * would split a surrogate pair), and should an analyzer fail on some input, that text falls back to
 * {@code wordpunct} tokens (logged, and counted by {@link #fallbackCount()}).
 */
public final class TextPipeline {

    private static final Logger LOG = Logger.getLogger(TextPipeline.class);

    private final PipelineConfig config;
    private final Vocabulary vocabulary;
    private final Normalizer normalizer;
    private final KerasTextToWordSequence keras;
    private final Set<String> stopwords;
    private final Tokenizer kind;
    private final boolean padPre;
    private final boolean truncPre;
    private final int oovIndex;
    /** The words an encoding can emit (index below num_words), in a cache-friendlier table than the vocabulary's. */
    private final io.sentimentstreams.vocab.WordIds wordIds;
    /** Cleaning is lowercasing only (the usual config): {@link #encode} then lowercases while it looks up. */
    private final boolean lowerOnly;
    private final java.util.concurrent.atomic.AtomicLong fallbacks = new java.util.concurrent.atomic.AtomicLong();

    private TextPipeline(final PipelineConfig config, final Vocabulary vocabulary) {
        this.config = config.withDefaults();
        this.vocabulary = vocabulary;
        final PipelineConfig c = this.config;
        this.kind = c.tokenizer();
        this.normalizer = Normalizer.of(c);
        this.keras = new KerasTextToWordSequence(c.filters(), c.lower(),
                c.split() == null ? KerasTextToWordSequence.DEFAULT_SPLIT : c.split());
        this.stopwords = Stopwords.named(c.stopwords());
        this.padPre = c.padding() == PadSide.PRE;
        this.truncPre = c.truncating() == PadSide.PRE;
        if (vocabulary != null && !Objects.equals(vocabulary.oovToken(), c.oovToken())) {
            throw new IllegalArgumentException("the vocabulary's OOV token '" + vocabulary.oovToken()
                    + "' differs from the config's '" + c.oovToken() + "'");
        }
        this.oovIndex = vocabulary == null ? -1 : vocabulary.oovIndex();
        this.wordIds = vocabulary == null ? null : io.sentimentstreams.vocab.WordIds.of(vocabulary, c.numWords());
        this.lowerOnly = c.lower() && kind != Tokenizer.KERAS && stopwords.isEmpty() && c.minTokenLength() <= 1;
        if (kind == Tokenizer.OKT) {
            OktTokenizer.check();
        }
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

    /** How many texts fell back to {@code wordpunct} because the configured analyzer threw. */
    public long fallbackCount() {
        return fallbacks.get();
    }

    /** {@code text} cut to {@code maxChars} by the rule above (never splitting a surrogate pair). */
    public static String truncate(final String text, final int maxChars) {
        if (text == null) {
            return "";
        }
        if (maxChars <= 0 || text.length() <= maxChars) {
            return text;
        }
        int cut = maxChars;
        if (Character.isHighSurrogate(text.charAt(cut - 1)) && Character.isLowSurrogate(text.charAt(cut))) {
            cut--;
        }
        return text.substring(0, cut);
    }

    /** Truncated and normalized text, the input of sentence splitting and tokenization. */
    public String normalize(final String text) {
        final String cut = truncate(text, config.maxChars());
        return config.rawText() ? cut : normalizer.normalize(cut);
    }

    /** Sentences of the normalized text. */
    public List<String> sentences(final String text) {
        return SentenceSplitter.split(normalize(text));
    }

    /** Normalized, split, tokenized and cleaned tokens of {@code text}; never throws for any string. */
    public List<String> tokenize(final String text) {
        return tokenize(text, true);
    }

    /** With {@code clean} false the tokens are not cleaned (only {@link #encode} asks, when {@link #lowerOnly}). */
    private List<String> tokenize(final String text, final boolean clean) {
        final String normalized;
        try {
            normalized = normalize(text);
        } catch (RuntimeException e) {
            // Not expected: the normalizer is total. Still, never throw at the caller.
            return fallback(text == null ? "" : truncate(text, config.maxChars()), e, clean);
        }
        if (normalized.isEmpty()) {
            return new ArrayList<>(0);
        }
        final List<String> tokens = new ArrayList<>(Math.max(8, normalized.length() / 5));
        try {
            if (config.splitSentences() && kind != Tokenizer.KERAS) {
                for (final String sentence : SentenceSplitter.split(normalized)) {
                    raw(sentence, tokens);
                }
            } else {
                raw(normalized, tokens);
            }
        } catch (RuntimeException | StackOverflowError e) {
            return fallback(normalized, e, clean);
        }
        return clean ? clean(tokens) : tokens;
    }

    private void raw(final String text, final List<String> out) {
        switch (kind) {
            case TREEBANK -> TreebankTokenizer.tokenize(text, out);
            case WORDPUNCT -> WordPunctTokenizer.tokenize(text, out);
            case KERAS -> keras.apply(text, out);
            case OKT -> OktTokenizer.morphs(text, config.oktNorm(), config.oktStem(), out);
            case NORI -> NoriTokenizer.tokenize(text, out);
            case NORI_PUNCT -> NoriTokenizer.tokenizeKeepingSymbols(text, out);
        }
    }

    private List<String> fallback(final String text, final Throwable e, final boolean clean) {
        if (fallbacks.getAndIncrement() < 10) {
            LOG.warnf("tokenizer '%s' failed on a text of %d chars (%s); using wordpunct tokens for it",
                    config.tokenizer(), text.length(), e.toString());
        }
        final List<String> tokens = new ArrayList<>();
        WordPunctTokenizer.tokenize(normalizer.normalize(text), tokens);
        return clean ? clean(tokens) : tokens;
    }

    /** Lowercase (keras lowercases while splitting), stopwords, minimum length, in place. */
    private List<String> clean(final List<String> tokens) {
        final boolean lower = config.lower() && kind != Tokenizer.KERAS;
        final int minLen = config.minTokenLength();
        if (!lower && stopwords.isEmpty() && minLen <= 1) {
            return tokens;
        }
        int w = 0;
        for (int r = 0; r < tokens.size(); r++) {
            String t = tokens.get(r);
            if (lower) {
                t = t.toLowerCase(Locale.ROOT);
            }
            if (!stopwords.isEmpty() && stopwords.contains(lower ? t : t.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (minLen > 1 && t.codePointCount(0, t.length()) < minLen) {
                continue;
            }
            tokens.set(w++, t);
        }
        if (w < tokens.size()) {
            tokens.subList(w, tokens.size()).clear();
        }
        return tokens;
    }

    /**
     * Token ids of {@code text}, padded/truncated to {@code maxlen} ({@code maxlen <= 0}: unpadded). Known
     * words below {@code numWords} keep their index; other tokens become the OOV index, or are dropped when
     * the vocabulary has no OOV token; both count in {@link Encoding#oovCount()}.
     *
     * @throws IllegalStateException when this pipeline was built without a vocabulary
     */
    public Encoding encode(final String text) {
        if (vocabulary == null) {
            throw new IllegalStateException("encode needs a vocabulary: use TextPipeline.of(config, vocabulary)");
        }
        if (lowerOnly) {
            // Same ids as encodeTokens(tokenize(text)), without a second pass over the token list.
            return encode(tokenize(text, false), true);
        }
        return encodeTokens(tokenize(text));
    }

    /** {@link #encode} for tokens that came from {@link #tokenize}. */
    public Encoding encodeTokens(final List<String> tokens) {
        if (vocabulary == null) {
            throw new IllegalStateException("encode needs a vocabulary: use TextPipeline.of(config, vocabulary)");
        }
        return encode(tokens, false);
    }

    private Encoding encode(final List<String> tokens, final boolean lower) {
        final int[] ids = new int[tokens.size()];
        int n = 0;
        int oov = 0;
        for (final String t : tokens) {
            // wordIds holds exactly the words with index in [1, num_words): anything else is OOV.
            final int i = lower ? wordIds.getLowercase(t) : wordIds.get(t);
            if (i > 0) {
                ids[n++] = i;
            } else {
                oov++;
                if (oovIndex > 0) {
                    ids[n++] = oovIndex;
                }
            }
        }
        final int maxlen = config.maxlen();
        final int[] out = maxlen > 0 ? Padding.pad(n == ids.length ? ids : java.util.Arrays.copyOf(ids, n), maxlen,
                padPre, truncPre, 0) : java.util.Arrays.copyOf(ids, n);
        return new Encoding(out, tokens.size(), oov);
    }

    /**
     * A Keras tokenizer configured like this pipeline ({@code num_words}, {@code oov_token}; no further
     * lowercasing or filtering, the pipeline did that) fitted on the tokens of {@code texts}: its
     * {@link KerasTokenizer#vocabulary()} is what {@link #of(PipelineConfig, Vocabulary)} expects.
     */
    public KerasTokenizer fit(final Iterable<String> texts) {
        final KerasTokenizer tokenizer = new KerasTokenizer(new KerasTokenizer.Options(config.numWords(), "",
                false, " ", false, config.oovToken()));
        final List<List<String>> batch = new ArrayList<>(1024);
        for (final String text : texts) {
            batch.add(tokenize(text));
            if (batch.size() == 1024) {
                tokenizer.fitOnTokenLists(batch);
                batch.clear();
            }
        }
        tokenizer.fitOnTokenLists(batch);
        return tokenizer;
    }
}
