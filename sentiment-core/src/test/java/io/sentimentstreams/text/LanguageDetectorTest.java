package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LanguageDetectorTest {

    @Test
    void hangulShareDecides() {
        assertThat(LanguageDetector.detect("이 영화 정말 좋아요")).isEqualTo("ko");
        assertThat(LanguageDetector.detect("This movie is great")).isEqualTo("en");
        assertThat(LanguageDetector.detect("아이폰 iPhone 최고")).isEqualTo("ko");
        assertThat(LanguageDetector.detect("ㅋㅋㅋㅋ")).isEqualTo("ko");
        assertThat(LanguageDetector.detect("The movie 좋다 but long and boring overall")).isEqualTo("en");
    }

    @Test
    void textsWithoutLettersAreEnglish() {
        assertThat(LanguageDetector.detect("")).isEqualTo("en");
        assertThat(LanguageDetector.detect("10/10 !!! 😀")).isEqualTo("en");
        assertThat(LanguageDetector.detect(null)).isEqualTo("en");
    }

    @Test
    void declaredLanguageWins() {
        assertThat(LanguageDetector.resolve("ko-KR", "English words only")).isEqualTo("ko");
        assertThat(LanguageDetector.resolve("EN", "한국어 문장")).isEqualTo("en");
        assertThat(LanguageDetector.resolve("fr", "한국어 문장")).isEqualTo("ko");
        assertThat(LanguageDetector.resolve(null, "plain")).isEqualTo("en");
    }
}
