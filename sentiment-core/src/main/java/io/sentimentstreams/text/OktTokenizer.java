package io.sentimentstreams.text;

import java.util.ArrayList;
import java.util.List;
import org.openkoreantext.processor.OpenKoreanTextProcessorJava;
import org.openkoreantext.processor.tokenizer.KoreanTokenizer.KoreanToken;
import org.openkoreantext.processor.util.KoreanPos;
import scala.collection.Iterator;
import scala.collection.Seq;

/**
 * Korean text in, Open Korean Text morphemes out, exactly along KoNLPy's {@code Okt} call path: normalize if
 * {@code norm} → tokenize → drop {@code Space} tokens → replace by the stem if {@code stem} and the token has
 * one. {@code morphs}, {@code pos} and {@code nouns} match KoNLPy's methods of the same names.
 *
 * <p>Okt is a Scala 2.12 library; with any other scala-library on the classpath it fails on first use, and
 * {@link #check()} turns that into one clear message. Okt's processor is a stateless singleton, so every
 * method here is thread-safe; the first call pays for loading the dictionaries (about a second).
 */
public final class OktTokenizer {

    /** A morpheme and its Okt part-of-speech tag ({@code Noun}, {@code Josa}, {@code Verb}...). */
    public record Morph(String text, String pos) {
    }

    /**
     * Okt's cost grows steeply with the length of a run without whitespace (2,000 Hangul characters take
     * minutes), so longer Hangul runs are cut into pieces of this many characters before analysis. KoNLPy
     * does not do this; it only changes texts with a 40+ character unspaced Hangul run.
     */
    public static final int MAX_RUN = 40;

    private static volatile boolean checked;

    private OktTokenizer() {
    }

    /** KoNLPy {@code Okt().pos(phrase, norm, stem)}. */
    public static List<Morph> pos(final String text, final boolean norm, final boolean stem) {
        final List<Morph> out = new ArrayList<>();
        forEach(text, norm, stem, (t, p) -> out.add(new Morph(t, p)));
        return out;
    }

    /** KoNLPy {@code Okt().morphs(phrase, norm, stem)}. */
    public static List<String> morphs(final String text, final boolean norm, final boolean stem) {
        final List<String> out = new ArrayList<>();
        morphs(text, norm, stem, out);
        return out;
    }

    public static void morphs(final String text, final boolean norm, final boolean stem, final List<String> out) {
        forEach(text, norm, stem, (t, p) -> out.add(t));
    }

    /** KoNLPy {@code Okt().nouns(phrase)}: the {@code Noun} morphemes of {@code pos(phrase)}. */
    public static List<String> nouns(final String text) {
        final List<String> out = new ArrayList<>();
        forEach(text, false, false, (t, p) -> {
            if ("Noun".equals(p)) {
                out.add(t);
            }
        });
        return out;
    }

    /** KoNLPy {@code Okt().normalize(phrase)}. */
    public static String normalize(final String text) {
        check();
        return text == null || text.isEmpty() ? "" : OpenKoreanTextProcessorJava.normalize(text).toString();
    }

    private interface Sink {
        void accept(String text, String pos);
    }

    private static void forEach(final String text, final boolean norm, final boolean stem, final Sink sink) {
        if (text == null || text.isEmpty()) {
            return;
        }
        check();
        final String capped = capRuns(text);
        final CharSequence input = norm ? OpenKoreanTextProcessorJava.normalize(capped) : capped;
        final Seq<KoreanToken> tokens = OpenKoreanTextProcessorJava.tokenize(input);
        final Iterator<KoreanToken> it = tokens.iterator();
        final Object space = KoreanPos.Space();
        while (it.hasNext()) {
            final KoreanToken token = it.next();
            if (token.pos() == space) {
                continue;
            }
            final String surface = stem && token.stem().nonEmpty() ? token.stem().get() : token.text();
            sink.accept(surface, token.pos().toString());
        }
    }

    /** Inserts a space every {@link #MAX_RUN} characters into whitespace-free runs that contain Hangul. */
    static String capRuns(final String text) {
        final int n = text.length();
        StringBuilder sb = null;
        int runStart = 0;
        boolean hangul = false;
        for (int i = 0; i <= n; i++) {
            final char c = i < n ? text.charAt(i) : ' ';
            if (PyChars.isSpace(c)) {
                if (hangul && i - runStart > MAX_RUN) {
                    if (sb == null) {
                        sb = new StringBuilder(n + n / MAX_RUN + 1).append(text, 0, runStart);
                    }
                    int k = runStart;
                    while (k < i) {
                        int end = Math.min(i, k + MAX_RUN);
                        if (end < i && Character.isHighSurrogate(text.charAt(end - 1))) {
                            end--;
                        }
                        sb.append(text, k, end);
                        if (end < i) {
                            sb.append(' ');
                        }
                        k = end;
                    }
                } else if (sb != null) {
                    sb.append(text, runStart, i);
                }
                if (sb != null && i < n) {
                    sb.append(c);
                }
                runStart = i + 1;
                hangul = false;
            } else if (!hangul && PyChars.isHangul(c)) {
                hangul = true;
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** Fails with a clear message when the Scala runtime is not the 2.12 that Okt was compiled against. */
    public static void check() {
        if (checked) {
            return;
        }
        final String version = scalaVersion();
        if (version == null || !version.startsWith("2.12")) {
            throw new IllegalStateException("Open Korean Text (okt) needs scala-library 2.12 on the classpath, found "
                    + (version == null ? "none" : version)
                    + "; pin org.scala-lang:scala-library:2.12.20 in the module that runs it");
        }
        checked = true;
    }

    /** The scala-library version on the classpath, or null. */
    public static String scalaVersion() {
        try {
            final Class<?> props = Class.forName("scala.util.Properties");
            return (String) props.getMethod("versionNumberString").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
