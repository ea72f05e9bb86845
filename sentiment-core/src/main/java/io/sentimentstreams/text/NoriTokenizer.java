package io.sentimentstreams.text;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
import org.apache.lucene.analysis.ko.POS;
import org.apache.lucene.analysis.ko.tokenattributes.PartOfSpeechAttribute;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.util.AttributeFactory;

/**
 * Korean text in, Lucene Nori morphemes (mecab-ko-dic) out. Choices: decompound mode {@code DISCARD}
 * (compounds are replaced by their parts, Nori's default), punctuation discarded, no part-of-speech filter
 * (particles and endings stay, as Okt's {@code morphs} keeps them; use the {@code ko-josa} stopwords to drop
 * particles), surface forms. A Lucene tokenizer is stateful, so each thread reuses its own instance; the
 * dictionaries behind them are shared singletons, loaded once. Thread-safe.
 *
 * <p>{@link #tokenizeKeepingSymbols} is the {@code nori-punct} variant: punctuation and symbols stay, since
 * in short Korean reviews {@code ...}, {@code ^^}, {@code ;;} or {@code ?!} carry sentiment that Nori's
 * default throws away. Nori emits one token per punctuation character and whitespace as tokens of its own;
 * this variant drops the whitespace and joins symbols that touch in the text into one token ({@code ...},
 * {@code :)}), which is how Okt and NLTK's tokenizers present such runs.
 */
public final class NoriTokenizer {

    /** A morpheme with Nori's left part-of-speech tag ({@code NNG}, {@code J}, {@code VV}...). */
    public record Morph(String text, String pos) {
    }

    private static final ThreadLocal<KoreanTokenizer> TOKENIZER = ThreadLocal.withInitial(() -> new KoreanTokenizer(
            AttributeFactory.DEFAULT_ATTRIBUTE_FACTORY, null, KoreanTokenizer.DecompoundMode.DISCARD, false, true));
    private static final ThreadLocal<KoreanTokenizer> WITH_SYMBOLS = ThreadLocal.withInitial(() -> new KoreanTokenizer(
            AttributeFactory.DEFAULT_ATTRIBUTE_FACTORY, null, KoreanTokenizer.DecompoundMode.DISCARD, false, false));
    /** mecab-ko-dic's tags for punctuation, brackets, separators and other symbols. */
    private static final Set<String> SYMBOL_TAGS = Set.of("SF", "SE", "SSO", "SSC", "SC", "SY");

    private NoriTokenizer() {
    }

    public static List<String> tokenize(final String text) {
        final List<String> out = new ArrayList<>();
        tokenize(text, out);
        return out;
    }

    public static void tokenize(final String text, final List<String> out) {
        run(TOKENIZER.get(), text, (t, p, start) -> out.add(t));
    }

    public static List<String> tokenizeKeepingSymbols(final String text) {
        final List<String> out = new ArrayList<>();
        tokenizeKeepingSymbols(text, out);
        return out;
    }

    /** Morphemes plus punctuation and symbols, adjacent symbols joined into one token (see above). */
    public static void tokenizeKeepingSymbols(final String text, final List<String> out) {
        // Where the last token ended when it was a symbol, else -1: a symbol starting there joins it.
        final int[] symbolEnd = {-1};
        run(WITH_SYMBOLS.get(), text, (t, p, start) -> {
            // Nori gives whitespace tokens (tag SP) and symbol tokens that carry the following space.
            final String token = t.strip();
            if (token.isEmpty()) {
                return;
            }
            if (!SYMBOL_TAGS.contains(p)) {
                out.add(token);
                symbolEnd[0] = -1;
                return;
            }
            final int from = start + (t.length() - t.stripLeading().length());
            if (symbolEnd[0] == from) {
                out.set(out.size() - 1, out.get(out.size() - 1) + token);
            } else {
                out.add(token);
            }
            symbolEnd[0] = from + token.length();
        });
    }

    /** Morphemes with their part-of-speech tags. */
    public static List<Morph> pos(final String text) {
        final List<Morph> out = new ArrayList<>();
        run(TOKENIZER.get(), text, (t, p, start) -> out.add(new Morph(t, p)));
        return out;
    }

    private interface Sink {
        void accept(String text, String pos, int start);
    }

    private static void run(final KoreanTokenizer tokenizer, final String text, final Sink sink) {
        if (text == null || text.isEmpty()) {
            return;
        }
        final CharTermAttribute term = tokenizer.getAttribute(CharTermAttribute.class);
        final PartOfSpeechAttribute pos = tokenizer.getAttribute(PartOfSpeechAttribute.class);
        final OffsetAttribute offset = tokenizer.getAttribute(OffsetAttribute.class);
        try {
            tokenizer.setReader(new StringReader(text));
            tokenizer.reset();
            while (tokenizer.incrementToken()) {
                final POS.Tag tag = pos.getLeftPOS();
                sink.accept(term.toString(), tag == null ? "UNKNOWN" : tag.name(), offset.startOffset());
            }
            tokenizer.end();
        } catch (IOException e) {
            throw new UncheckedIOException("reading a String cannot fail", e);
        } finally {
            try {
                tokenizer.close();
            } catch (IOException ignored) {
                // Closing a StringReader cannot fail; the tokenizer is reusable after close().
            }
        }
    }
}
