package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NoriTokenizerTest {

    @Test
    void splitsParticlesAndEndingsAndDropsPunctuation() {
        final List<String> tokens = NoriTokenizer.tokenize("열심히 코딩한 당신, 연휴에는 여행을 가봐요");
        assertThat(tokens).contains("열심히", "코딩", "당신", "연휴", "여행").doesNotContain(",");
    }

    @Test
    void emptyAndBlankGiveNoTokens() {
        assertThat(NoriTokenizer.tokenize("")).isEmpty();
        assertThat(NoriTokenizer.tokenize("   ")).isEmpty();
        assertThat(NoriTokenizer.tokenize(null)).isEmpty();
    }

    @Test
    void punctVariantKeepsSymbolsAndJoinsTheOnesThatTouch() {
        assertThat(NoriTokenizer.tokenizeKeepingSymbols("이 영화 별로... 시간 아까움 ㅡㅡ"))
                .containsExactly("이", "영화", "별로", "...", "시간", "아깝", "ᄆ", "ㅡㅡ");
        assertThat(NoriTokenizer.tokenizeKeepingSymbols("굿굿 ^^ 강추합니다!!"))
                .containsExactly("굿", "굿", "^^", "강추", "하", "ᄇ니다", "!!");
        // Symbols separated by a space or by a word stay apart; a smiley's two tags (SC, SSC) join.
        assertThat(NoriTokenizer.tokenizeKeepingSymbols("최고 :) ! ? 진짜;;"))
                .containsExactly("최고", ":)", "!", "?", "진짜", ";;");
        // The morphemes are Nori's own: only the symbols differ from tokenize().
        final String text = "열심히 코딩한 당신, 연휴에는 여행을 가봐요!";
        final List<String> words = NoriTokenizer.tokenizeKeepingSymbols(text).stream()
                .filter(t -> !t.equals(",") && !t.equals("!")).toList();
        assertThat(words).isEqualTo(NoriTokenizer.tokenize(text));
    }

    @Test
    void punctVariantGivesNoTokensForBlankInput() {
        assertThat(NoriTokenizer.tokenizeKeepingSymbols("")).isEmpty();
        assertThat(NoriTokenizer.tokenizeKeepingSymbols(" \t ")).isEmpty();
        assertThat(NoriTokenizer.tokenizeKeepingSymbols(null)).isEmpty();
    }
}
