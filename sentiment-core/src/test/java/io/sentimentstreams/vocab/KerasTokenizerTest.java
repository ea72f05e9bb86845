package io.sentimentstreams.vocab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KerasTokenizerTest {

    /** The pre-tokenized barber sentences of the issue (stopwords and short words already removed). */
    static final List<List<String>> BARBER = List.of(
            List.of("barber", "person"),
            List.of("barber", "good", "person"),
            List.of("barber", "huge", "person"),
            List.of("knew", "secret"),
            List.of("secret", "kept", "huge", "secret"),
            List.of("huge", "secret"),
            List.of("barber", "kept", "word"),
            List.of("barber", "kept", "word"),
            List.of("barber", "kept", "secret"),
            List.of("keeping", "keeping", "huge", "secret", "driving", "barber", "crazy"),
            List.of("barber", "went", "huge", "mountain"));

    private static List<List<Integer>> boxed(final List<int[]> seqs) {
        return seqs.stream().map(s -> java.util.Arrays.stream(s).boxed().toList()).toList();
    }

    @Test
    void indexRanksByCountWithTiesInFirstSeenOrder() {
        final KerasTokenizer t = new KerasTokenizer().fitOnTokenLists(BARBER);
        assertThat(t.wordIndex()).containsExactly(
                Map.entry("barber", 1), Map.entry("secret", 2), Map.entry("huge", 3), Map.entry("kept", 4),
                Map.entry("person", 5), Map.entry("word", 6), Map.entry("keeping", 7), Map.entry("good", 8),
                Map.entry("knew", 9), Map.entry("driving", 10), Map.entry("crazy", 11), Map.entry("went", 12),
                Map.entry("mountain", 13));
        assertThat(t.wordCounts()).containsExactly(
                Map.entry("barber", 8L), Map.entry("person", 3L), Map.entry("good", 1L), Map.entry("huge", 5L),
                Map.entry("knew", 1L), Map.entry("secret", 6L), Map.entry("kept", 4L), Map.entry("word", 2L),
                Map.entry("keeping", 2L), Map.entry("driving", 1L), Map.entry("crazy", 1L), Map.entry("went", 1L),
                Map.entry("mountain", 1L));
        assertThat(t.documentCount()).isEqualTo(11);
        assertThat(t.wordDocs().get("keeping")).isEqualTo(1L);
        assertThat(t.wordDocs().get("barber")).isEqualTo(8L);
    }

    @Test
    void numWordsDropsIndicesAtOrAboveItWithoutOov() {
        final KerasTokenizer t = new KerasTokenizer(KerasTokenizer.Options.defaults().withNumWords(6))
                .fitOnTokenLists(BARBER);
        assertThat(t.wordIndex()).hasSize(13);
        assertThat(boxed(t.tokenListsToSequences(BARBER))).isEqualTo(List.of(
                List.of(1, 5), List.of(1, 5), List.of(1, 3, 5), List.of(2), List.of(2, 4, 3, 2), List.of(3, 2),
                List.of(1, 4), List.of(1, 4), List.of(1, 4, 2), List.of(3, 2, 1), List.of(1, 3)));
    }

    @Test
    void oovWordsMapToIndexOne() {
        final KerasTokenizer t = new KerasTokenizer(KerasTokenizer.Options.defaults().withNumWords(7)
                .withOovToken("OOV")).fitOnTokenLists(BARBER);
        assertThat(t.wordIndex().get("OOV")).isEqualTo(1);
        assertThat(t.wordIndex().get("barber")).isEqualTo(2);
        assertThat(boxed(t.tokenListsToSequences(BARBER))).isEqualTo(List.of(
                List.of(2, 6), List.of(2, 1, 6), List.of(2, 4, 6), List.of(1, 3), List.of(3, 5, 4, 3), List.of(4, 3),
                List.of(2, 5, 1), List.of(2, 5, 1), List.of(2, 5, 3), List.of(1, 1, 4, 3, 1, 2, 1), List.of(2, 1, 4, 1)));
        assertThat(t.textToSequence("barber never seen")).containsExactly(2, 1, 1);
    }

    @Test
    void unknownWordsAreDroppedWithoutOovToken() {
        final KerasTokenizer t = new KerasTokenizer().fitOnTokenLists(BARBER);
        assertThat(t.textToSequence("The barber, the SECRET!")).containsExactly(1, 2);
    }

    @Test
    void fitsOnRawTextsWithKerasFiltersAndLowercase() {
        final KerasTokenizer t = new KerasTokenizer().fitOnTexts(List.of(
                "The cat sat on the mat.", "The dog ate my homework!", "Don't panic."));
        assertThat(t.wordIndex().keySet()).startsWith("the", "cat", "sat", "on", "mat", "dog");
        assertThat(t.wordIndex()).containsKey("don't");
        assertThat(t.wordCounts().get("the")).isEqualTo(3L);
        assertThat(t.textToSequence("the cat ate")).containsExactly(1, 2, 7);
    }

    @Test
    void charLevelCountsCodePoints() {
        final KerasTokenizer t = new KerasTokenizer(KerasTokenizer.Options.defaults().withCharLevel(true))
                .fitOnTexts(List.of("abba", "Ab😀"));
        assertThat(t.wordIndex()).containsKeys("a", "b", "😀");
        assertThat(t.wordIndex()).containsEntry("a", 1).containsEntry("b", 2).containsEntry("😀", 3);
    }

    @Test
    void textsToMatrixModesFollowKeras() {
        final KerasTokenizer t = new KerasTokenizer().fitOnTexts(List.of("a a b", "b c", "a"));
        // word_index: a=1 (3), b=2 (2), c=3 (1); width = len(word_index) + 1
        final List<String> texts = List.of("a a b d", "");
        assertThat(t.textsToMatrix(texts, KerasTokenizer.MatrixMode.BINARY)[0]).containsExactly(0, 1, 1, 0);
        assertThat(t.textsToMatrix(texts, KerasTokenizer.MatrixMode.COUNT)[0]).containsExactly(0, 2, 1, 0);
        // freq divides by the sequence length (3 known words; 'd' is dropped before counting)
        assertThat(t.textsToMatrix(texts, KerasTokenizer.MatrixMode.FREQ)[0])
                .containsExactly(0, 2.0 / 3, 1.0 / 3, 0);
        final double[] tfidf = t.textsToMatrix(texts, KerasTokenizer.MatrixMode.TFIDF)[0];
        assertThat(tfidf[1]).isCloseTo((1 + Math.log(2)) * Math.log(1 + 3 / (1.0 + 2)), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(tfidf[2]).isCloseTo(1 * Math.log(1 + 3 / (1.0 + 2)), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(t.textsToMatrix(texts, KerasTokenizer.MatrixMode.COUNT)[1]).containsOnly(0);
    }

    @Test
    void matrixWidthIsNumWordsWhenSet() {
        final KerasTokenizer t = new KerasTokenizer(KerasTokenizer.Options.defaults().withNumWords(3))
                .fitOnTexts(List.of("a a b", "b c", "a"));
        assertThat(t.textsToMatrix(List.of("a b c"), KerasTokenizer.MatrixMode.BINARY)[0]).containsExactly(0, 1, 1);
    }

    @Test
    void matrixBeforeFittingIsAnError() {
        assertThatThrownBy(() -> new KerasTokenizer().textsToMatrix(List.of("a"), KerasTokenizer.MatrixMode.BINARY))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("num_words");
        assertThatThrownBy(() -> KerasTokenizer.MatrixMode.parse("bogus"))
                .hasMessageContaining("Unknown vectorization mode");
    }

    @Test
    void oovTokenThatOccursInTextsKeepsIndexOne() {
        final KerasTokenizer t = new KerasTokenizer(KerasTokenizer.Options.defaults().withOovToken("unk"))
                .fitOnTexts(List.of("a unk unk b a a"));
        assertThat(t.wordIndex()).containsExactly(Map.entry("unk", 1), Map.entry("a", 2), Map.entry("b", 3));
    }

    @Test
    void toJsonWritesKerasFormatByteForByte() {
        final KerasTokenizer t = new KerasTokenizer(KerasTokenizer.Options.defaults().withOovToken("<OOV>"))
                .fitOnTexts(List.of("Good movie", "bad movie é"));
        final String expected = "{\"class_name\": \"Tokenizer\", \"config\": {\"num_words\": null, "
                + "\"filters\": \"!\\\"#$%&()*+,-./:;<=>?@[\\\\]^_`{|}~\\t\\n\", \"lower\": true, \"split\": \" \", "
                + "\"char_level\": false, \"oov_token\": \"<OOV>\", \"document_count\": 2, "
                + "\"word_counts\": \"{\\\"good\\\": 1, \\\"movie\\\": 2, \\\"bad\\\": 1, \\\"\\\\u00e9\\\": 1}\", "
                + "\"word_docs\": \"{\\\"good\\\": 1, \\\"movie\\\": 2, \\\"bad\\\": 1, \\\"\\\\u00e9\\\": 1}\", "
                + "\"index_docs\": \"{\\\"3\\\": 1, \\\"2\\\": 2, \\\"4\\\": 1, \\\"5\\\": 1}\", "
                + "\"index_word\": \"{\\\"1\\\": \\\"<OOV>\\\", \\\"2\\\": \\\"movie\\\", \\\"3\\\": \\\"good\\\", "
                + "\\\"4\\\": \\\"bad\\\", \\\"5\\\": \\\"\\\\u00e9\\\"}\", "
                + "\"word_index\": \"{\\\"<OOV>\\\": 1, \\\"movie\\\": 2, \\\"good\\\": 3, \\\"bad\\\": 4, "
                + "\\\"\\\\u00e9\\\": 5}\"}}";
        assertThat(t.toJson()).isEqualTo(expected);
    }

    @Test
    void fromJsonRoundTripsAndEncodesTheSame() throws Exception {
        final KerasTokenizer t = new KerasTokenizer(KerasTokenizer.Options.defaults().withNumWords(7)
                .withOovToken("OOV")).fitOnTokenLists(BARBER);
        final KerasTokenizer back = KerasTokenizer.fromJson(t.toJson());
        assertThat(back.wordIndex()).isEqualTo(t.wordIndex());
        assertThat(back.wordCounts()).containsExactlyEntriesOf(t.wordCounts());
        assertThat(back.documentCount()).isEqualTo(11);
        assertThat(back.options()).isEqualTo(t.options());
        assertThat(boxed(back.tokenListsToSequences(BARBER))).isEqualTo(boxed(t.tokenListsToSequences(BARBER)));
        assertThat(back.toJson()).isEqualTo(t.toJson());
    }

    @Test
    void fromJsonReadsAKerasWrittenTokenizer() throws Exception {
        // As written by tf.keras 2.x: Tokenizer(num_words=3, oov_token='<OOV>').fit_on_texts(['나는 좋아', '좋아 좋아'])
        final String keras = "{\"class_name\": \"Tokenizer\", \"config\": {\"num_words\": 3, \"filters\": "
                + "\"!\\\"#$%&()*+,-./:;<=>?@[\\\\]^_`{|}~\\t\\n\", \"lower\": true, \"split\": \" \", "
                + "\"char_level\": false, \"oov_token\": \"<OOV>\", \"document_count\": 2, \"word_counts\": "
                + "\"{\\\"\\\\ub098\\\\ub294\\\": 1, \\\"\\\\uc88b\\\\uc544\\\": 3}\", \"word_docs\": "
                + "\"{\\\"\\\\uc88b\\\\uc544\\\": 2, \\\"\\\\ub098\\\\ub294\\\": 1}\", \"index_docs\": "
                + "\"{\\\"2\\\": 2, \\\"3\\\": 1}\", \"index_word\": \"{\\\"1\\\": \\\"<OOV>\\\", \\\"2\\\": "
                + "\\\"\\\\uc88b\\\\uc544\\\", \\\"3\\\": \\\"\\\\ub098\\\\ub294\\\"}\", \"word_index\": "
                + "\"{\\\"<OOV>\\\": 1, \\\"\\\\uc88b\\\\uc544\\\": 2, \\\"\\\\ub098\\\\ub294\\\": 3}\"}}";
        final KerasTokenizer t = KerasTokenizer.fromJson(keras);
        assertThat(t.wordIndex()).containsExactly(Map.entry("<OOV>", 1), Map.entry("좋아", 2), Map.entry("나는", 3));
        assertThat(t.textToSequence("나는 정말 좋아")).containsExactly(1, 1, 2);
        final Vocabulary v = t.vocabulary();
        assertThat(v.oovToken()).isEqualTo("<OOV>");
        assertThat(v.documentCount()).isEqualTo(2);
    }

    @Test
    void fromJsonRejectsGarbage() {
        assertThatThrownBy(() -> KerasTokenizer.fromJson("[1,2]")).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> KerasTokenizer.fromJson("{\"config\": {}}"))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("word_index");
        assertThatThrownBy(() -> KerasTokenizer.fromJson("{\"config\": {\"word_index\": \"{\\\"a\\\": 1, \\\"b\\\": 1}\"}}"))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("unique");
    }
}
