package io.sentimentstreams.vocab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The encode lookup against the vocabulary's own map: same answers for every word, case and cut-off. */
class WordIdsTest {

    private static Vocabulary vocabulary(final String... words) {
        final Map<String, Integer> index = new LinkedHashMap<>();
        final Map<String, Long> counts = new LinkedHashMap<>();
        index.put("<OOV>", 1);
        for (int i = 0; i < words.length; i++) {
            index.put(words[i], i + 2);
            counts.put(words[i], (long) (words.length - i));
        }
        return new Vocabulary(index, counts, "<OOV>", 1);
    }

    @Test
    void answersLikeTheVocabularyBelowTheCutAndMinusOneAboveIt() {
        final Vocabulary v = vocabulary("the", "film", "don't", "n't", "café", "영화", "재미", "ß", "Σ", "a-b");
        final WordIds all = WordIds.of(v, 0);
        final WordIds cut = WordIds.of(v, 6);
        assertThat(all.size()).isEqualTo(11);
        assertThat(cut.size()).isEqualTo(5);
        for (final Map.Entry<String, Integer> e : v.wordIndex().entrySet()) {
            assertThat(all.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(cut.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue() < 6 ? e.getValue() : -1);
        }
        assertThat(all.get("films")).isEqualTo(-1);
        assertThat(all.get("")).isEqualTo(-1);
        assertThat(all.get("The")).as("get is exact").isEqualTo(-1);
    }

    @Test
    void gapsInTheIndexAndACutBeyondTheLastIndexAreHandled() {
        // Indexes need not be contiguous (a hand-edited vocabulary file); characters are laid out by index.
        final Map<String, Integer> index = new LinkedHashMap<>();
        index.put("<OOV>", 1);
        index.put("film", 3);
        index.put("a", 4);
        index.put("plot", 9);
        final Vocabulary v = new Vocabulary(index, Map.of(), "<OOV>", 1);
        final WordIds ids = WordIds.of(v, 50);
        assertThat(ids.size()).isEqualTo(4);
        assertThat(ids.get("film")).isEqualTo(3);
        assertThat(ids.get("a")).isEqualTo(4);
        assertThat(ids.getLowercase("PLOT")).isEqualTo(9);
        assertThat(ids.get("<OOV>")).isEqualTo(1);
        assertThat(ids.get("")).isEqualTo(-1);
        assertThat(WordIds.of(v, 9).get("plot")).as("index 9 is at the cut").isEqualTo(-1);
        assertThat(WordIds.of(v, 1).size()).isZero();
    }

    @Test
    void getLowercaseEqualsGetOfTheRootLowercasedToken() {
        final Vocabulary v = vocabulary("the", "film", "don't", "café", "영화", "i̇stanbul", "straße", "σ", "ς", "mr.");
        final WordIds ids = WordIds.of(v, 0);
        for (final String token : new String[] {"THE", "The", "tHe", "FILM", "Don't", "DON'T", "CAFÉ", "Café", "영화",
            "İstanbul", "STRASSE", "Straße", "Σ", "MR.", "Mr.", "unknown", "UNKNOWN", "", "Ǆ", "\u212A"}) {
            assertThat(ids.getLowercase(token)).as(token).isEqualTo(ids.get(token.toLowerCase(Locale.ROOT)));
        }
        assertThat(ids.getLowercase("THE")).isEqualTo(2);
        assertThat(ids.getLowercase("CAFÉ")).isEqualTo(5);
    }

    @Test
    void collidingHashesAndAFullishTableStillFindEveryWord() {
        // "aa" and "bB" share String.hashCode, and so do all 2^k concatenations of them.
        final String[] colliding = new String[64];
        for (int i = 0; i < colliding.length; i++) {
            final StringBuilder sb = new StringBuilder();
            for (int b = 0; b < 6; b++) {
                sb.append((i >> b & 1) == 0 ? "aa" : "bB");
            }
            colliding[i] = sb.toString();
        }
        final SplittableRandom rnd = new SplittableRandom(3);
        final String[] words = new String[5000];
        System.arraycopy(colliding, 0, words, 0, colliding.length);
        for (int i = colliding.length; i < words.length; i++) {
            words[i] = "w" + Long.toString(rnd.nextLong(), 36);
        }
        final Vocabulary v = vocabulary(words);
        final WordIds ids = WordIds.of(v, 0);
        assertThat(colliding[0].hashCode()).isEqualTo(colliding[63].hashCode());
        for (final Map.Entry<String, Integer> e : v.wordIndex().entrySet()) {
            assertThat(ids.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(ids.get("aabBaabBaabb")).isEqualTo(-1);
        assertThat(ids.getLowercase("AABBAABBAABB")).isEqualTo(ids.get("aabbaabbaabb"));
    }

    @Test
    void shippedVocabulariesAgreeWordForWord() throws Exception {
        int models = 0;
        for (final String model : new String[] {"imdb-en", "nsmc-ko"}) {
            final Path tsv = Path.of("..", "models", model, "vocab.tsv");
            if (!Files.exists(tsv)) {
                continue;
            }
            models++;
            final Vocabulary v = Vocabulary.readTsv(tsv);
            final WordIds ids = WordIds.of(v, 20000);
            int checked = 0;
            for (final Map.Entry<String, Integer> e : v.wordIndex().entrySet()) {
                assertThat(ids.get(e.getKey())).as(model + " " + e.getKey())
                        .isEqualTo(e.getValue() > 0 && e.getValue() < 20000 ? e.getValue() : -1);
                final String upper = e.getKey().toUpperCase(Locale.ROOT);
                assertThat(ids.getLowercase(upper)).as(upper).isEqualTo(ids.get(upper.toLowerCase(Locale.ROOT)));
                checked++;
            }
            assertThat(checked).isGreaterThan(10_000);
        }
        assertThat(models).as("the shipped models are part of the repository").isEqualTo(2);
    }
}
