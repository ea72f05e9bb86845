package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.contracts.Lang;
import org.junit.jupiter.api.Test;

class LanguageDetectorTest {

    @Test
    void hangulShareDecides() {
        assertThat(LanguageDetector.detect("이 영화 정말 좋아요")).isEqualTo(Lang.KO);
        assertThat(LanguageDetector.detect("This movie is great")).isEqualTo(Lang.EN);
        assertThat(LanguageDetector.detect("아이폰 iPhone 최고")).isEqualTo(Lang.KO);
        assertThat(LanguageDetector.detect("ㅋㅋㅋㅋ")).isEqualTo(Lang.KO);
        assertThat(LanguageDetector.detect("The movie 좋다 but long and boring overall")).isEqualTo(Lang.EN);
    }

    @Test
    void textsWithoutLettersAreEnglish() {
        assertThat(LanguageDetector.detect("")).isEqualTo(Lang.EN);
        assertThat(LanguageDetector.detect("10/10 !!! 😀")).isEqualTo(Lang.EN);
        assertThat(LanguageDetector.detect(null)).isEqualTo(Lang.EN);
    }

    @Test
    void declaredLanguageWins() {
        assertThat(LanguageDetector.resolve(Lang.KO, "English words only")).isEqualTo(Lang.KO);
        assertThat(LanguageDetector.resolve(Lang.EN, "한국어 문장")).isEqualTo(Lang.EN);
        assertThat(LanguageDetector.resolve((Lang) null, "한국어 문장")).isEqualTo(Lang.KO);
    }
}
