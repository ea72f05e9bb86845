package io.sentimentstreams.text;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
import org.apache.lucene.analysis.ko.POS;
import org.apache.lucene.analysis.ko.tokenattributes.PartOfSpeechAttribute;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.util.AttributeFactory;

/**
 * Korean text in, Lucene Nori morphemes (mecab-ko-dic) out. Choices: decompound mode {@code DISCARD}
 * (compounds are replaced by their parts, Nori's default), punctuation discarded, no part-of-speech filter
 * (particles and endings stay, as Okt's {@code morphs} keeps them; use the {@code ko-josa} stopwords to drop
 * particles), surface forms. A Lucene tokenizer is stateful, so each thread reuses its own instance; the
 * dictionaries behind them are shared singletons, loaded once. Thread-safe.
 */
public final class NoriTokenizer {

    /** A morpheme with Nori's left part-of-speech tag ({@code NNG}, {@code J}, {@code VV}...). */
    public record Morph(String text, String pos) {
    }

    private static final ThreadLocal<KoreanTokenizer> TOKENIZER = ThreadLocal.withInitial(() -> new KoreanTokenizer(
            AttributeFactory.DEFAULT_ATTRIBUTE_FACTORY, null, KoreanTokenizer.DecompoundMode.DISCARD, false, true));

    private NoriTokenizer() {
    }

    public static List<String> tokenize(final String text) {
        final List<String> out = new ArrayList<>();
        tokenize(text, out);
        return out;
    }

    public static void tokenize(final String text, final List<String> out) {
        run(text, (t, p) -> out.add(t));
    }

    /** Morphemes with their part-of-speech tags. */
    public static List<Morph> pos(final String text) {
        final List<Morph> out = new ArrayList<>();
        run(text, (t, p) -> out.add(new Morph(t, p)));
        return out;
    }

    private interface Sink {
        void accept(String text, String pos);
    }

    private static void run(final String text, final Sink sink) {
        if (text == null || text.isEmpty()) {
            return;
        }
        final KoreanTokenizer tokenizer = TOKENIZER.get();
        final CharTermAttribute term = tokenizer.getAttribute(CharTermAttribute.class);
        final PartOfSpeechAttribute pos = tokenizer.getAttribute(PartOfSpeechAttribute.class);
        try {
            tokenizer.setReader(new StringReader(text));
            tokenizer.reset();
            while (tokenizer.incrementToken()) {
                final POS.Tag tag = pos.getLeftPOS();
                sink.accept(term.toString(), tag == null ? "UNKNOWN" : tag.name());
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
