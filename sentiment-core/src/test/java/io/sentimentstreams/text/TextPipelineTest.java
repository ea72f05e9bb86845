package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.vocab.KerasTokenizer;
import io.sentimentstreams.vocab.Vocabulary;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextPipelineTest {

    private static PipelineConfig en(final Tokenizer tokenizer, final int numWords, final String oov, final int maxlen) {
        return PipelineConfig.builder(Lang.EN).tokenizer(tokenizer).numWords(numWords).oovToken(oov).maxlen(maxlen)
                .build();
    }

    @Test
    void englishDefaultsTokenizeHtmlReviewsWithTreebankLowercased() {
        final TextPipeline p = TextPipeline.of(PipelineConfig.englishDefaults());
        assertThat(p.tokenize("I <i>loved</i> it.<br /><br />Didn't you?")).containsExactly(
                "i", "loved", "it", ".", "did", "n't", "you", "?");
    }

    @Test
    void koreanDefaultsUseOktWithNormAndStem() {
        final TextPipeline p = TextPipeline.of(PipelineConfig.koreanDefaults());
        assertThat(p.tokenize("열심히 코딩한 당신, 연휴에는 여행을 가봐요")).containsExactly(
                "열심히", "코딩", "한", "당신", ",", "연휴", "에는", "여행", "을", "가보다");
    }

    @Test
    void noriPunctKeepsTheSymbolsNoriDropsAcrossSentences() {
        final PipelineConfig nori = PipelineConfig.builder(Lang.KO).nfkc(true).splitSentences(true)
                .tokenizer(Tokenizer.NORI).oktNorm(false).oktStem(false).numWords(0).build();
        final PipelineConfig punct = nori.toBuilder().tokenizer(Tokenizer.NORI_PUNCT).build();
        final String review = "별로... 시간 아까움. 그래도 배우는 좋다^^";
        assertThat(TextPipeline.of(nori).tokenize(review)).containsExactly(
                "별로", "시간", "아까", "움", "그래도", "배우", "는", "좋", "다");
        assertThat(TextPipeline.of(punct).tokenize(review)).containsExactly(
                "별로", "...", "시간", "아까", "움", ".", "그래도", "배우", "는", "좋", "다", "^^");
    }

    @Test
    void encodeMapsOovAndPadsPre() {
        final PipelineConfig c = en(Tokenizer.TREEBANK, 0, "<OOV>", 6);
        final Vocabulary v = TextPipeline.of(c).fit(List.of("good movie", "bad movie", "good good")).vocabulary();
        // good=2 (3), movie=3 (2), bad=4 (1)
        final Encoding e = TextPipeline.of(c, v).encode("Good, terrible movie");
        assertThat(e.ids()).containsExactly(0, 0, 2, 1, 1, 3);
        assertThat(e.tokenCount()).isEqualTo(4);
        assertThat(e.oovCount()).isEqualTo(2);
    }

    @Test
    void encodeLowercasingWhileItLooksUpGivesTheIdsOfTokenizeThenEncodeTokens() {
        final List<String> texts = List.of("Good, terrible MOVIE", "I <i>LOVED</i> it.<br /><br />Didn't you?",
                "ΟΔΟΣ ΣΑΣ. Straße İstanbul", "   ", "", "DON'T Can't WON'T gimme MORE", "Mr. Smith's Ph.D. THESIS!!",
                "x".repeat(3000) + " Y", "😀 Mixed 한국어 TEXT");
        for (final Tokenizer tokenizer : List.of(Tokenizer.TREEBANK, Tokenizer.WORDPUNCT, Tokenizer.KERAS)) {
            final PipelineConfig c = en(tokenizer, 0, "<OOV>", 12);
            final Vocabulary v = TextPipeline.of(c).fit(texts).vocabulary();
            final TextPipeline p = TextPipeline.of(c, v);
            for (final String t : texts) {
                final Encoding expected = p.encodeTokens(p.tokenize(t));
                final Encoding got = p.encode(t);
                assertThat(got.ids()).as(tokenizer + ": " + t).containsExactly(expected.ids());
                assertThat(got.tokenCount()).isEqualTo(expected.tokenCount());
                assertThat(got.oovCount()).isEqualTo(expected.oovCount());
            }
        }
    }

    @Test
    void encodeAppliesNumWordsAndTruncatesPre() {
        final PipelineConfig c = en(Tokenizer.WORDPUNCT, 3, "<OOV>", 3);
        final Vocabulary v = TextPipeline.of(c).fit(List.of("good movie", "bad movie", "good good")).vocabulary();
        final Encoding e = TextPipeline.of(c, v).encode("bad good movie good");
        // bad=4 >= num_words 3 → OOV 1; movie=3 → OOV 1; pre-truncation keeps the last three
        assertThat(e.ids()).containsExactly(2, 1, 2);
        assertThat(e.tokenCount()).isEqualTo(4);
        assertThat(e.oovCount()).isEqualTo(2);
    }

    @Test
    void encodeWithoutVocabularyIsAnError() {
        assertThatThrownBy(() -> TextPipeline.of(PipelineConfig.englishDefaults()).encode("x"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badConfigFailsWhereItIsReadOrAtConstruction() {
        // Tokenizer and padding names are enums: a config naming an unknown one cannot even be read.
        assertThatThrownBy(() -> Json.read("{\"lang\":\"en\",\"tokenizer\":\"spacy\"}", PipelineConfig.class))
                .hasMessageContaining("unknown tokenizer 'spacy' (allowed: treebank, wordpunct, keras, okt, nori, "
                        + "nori-punct)");
        assertThatThrownBy(() -> Json.read("{\"lang\":\"en\",\"maxlen\":10,\"padding\":\"middle\"}",
                PipelineConfig.class)).hasMessageContaining("unknown padding side 'middle' (allowed: pre, post)");
        final PipelineConfig c = en(Tokenizer.TREEBANK, 0, null, 0);
        final Vocabulary withOov = new KerasTokenizer(KerasTokenizer.Options.defaults().withOovToken("<OOV>"))
                .fitOnTexts(List.of("a")).vocabulary();
        assertThatThrownBy(() -> TextPipeline.of(c, withOov)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OOV");
    }

    @Test
    void badInputNeverThrows() {
        for (final Tokenizer tokenizer : Tokenizer.values()) {
            // maxChars 5,000 keeps Okt (seconds per 100k characters) quick; the cut itself is tested below.
            final PipelineConfig c = en(tokenizer, 0, "<OOV>", 5).toBuilder().maxChars(5_000).build();
            final TextPipeline p = TextPipeline.of(c, TextPipeline.of(c).fit(List.of("a b c")).vocabulary());
            for (final String s : new String[] {null, "", "   ", "\t\n", "\uD800", "a\uDC00b", "\u0000\u0007x",
                "😀😀", "한국어 and English", "x".repeat(1_000_000), "<br /><br />", "&amp;&#0;&#xD800;"}) {
                assertThat(p.tokenize(s)).as(tokenizer + " " + (s == null ? "null" : s.length())).isNotNull();
                assertThat(p.encode(s).ids()).hasSize(5);
            }
        }
    }

    @Test
    void textsBeyondMaxCharsAreCutByRule() {
        final PipelineConfig c = PipelineConfig.builder(Lang.EN).splitSentences(false).tokenizer(Tokenizer.WORDPUNCT)
                .lower(false).numWords(0).oovToken(null).maxlen(0).maxChars(10).build();
        assertThat(TextPipeline.of(c).tokenize("abcde fghij klmno")).containsExactly("abcde", "fghi");
        // a cut that would split a surrogate pair keeps the pair out
        assertThat(TextPipeline.truncate("123456789😀", 10)).isEqualTo("123456789");
        assertThat(TextPipeline.truncate("x".repeat(1_000_000), 100_000)).hasSize(100_000);
    }
}
