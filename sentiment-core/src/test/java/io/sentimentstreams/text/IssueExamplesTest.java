package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every example of issue 3, verbatim. */
class IssueExamplesTest {

    static final String JONE = "Don't be fooled by the dark sounding name, Mr. Jone's Orphanage is as cheery as "
            + "cheery goes for a pastry shop.";
    static final String PHD = "I am actively looking for Ph.D. students. and you are a Ph.D. student.";
    static final String BARBER = "His barber kept his word. But keeping such a huge secret to himself was driving "
            + "him crazy. Finally, the barber went up a mountain and almost to the edge of a cliff. He dug a hole in "
            + "the midst of some reeds. He looked about, to mae sure no one was near.";
    static final String KO_SENTENCES = "딥 러닝 자연어 처리가 재미있기는 합니다. 그런데 문제는 영어보다 한국어로 할 때 너무 "
            + "어려워요. 농담아니에요. 이제 해보면 알걸요?";
    static final String OKT = "열심히 코딩한 당신, 연휴에는 여행을 가봐요";

    private static List<String> split(final String bars) {
        return List.of(bars.split(" \\| "));
    }

    /** word_tokenize: sentence split, then the NLTK Treebank rules on each sentence, case kept. */
    private static List<String> wordTokenize(final String text) {
        final PipelineConfig c = PipelineConfig.englishDefaults();
        final PipelineConfig cased = c.toBuilder().splitSentences(true).tokenizer(Tokenizer.TREEBANK).lower(false)
                .numWords(0).oovToken(null).maxlen(0).build();
        return TextPipeline.of(cased).tokenize(text);
    }

    @Test
    void treebankSplitsCliticsAndKeepsMrWithItsPeriod() {
        assertThat(wordTokenize(JONE)).isEqualTo(split("Do | n't | be | fooled | by | the | dark | sounding | name | , "
                + "| Mr. | Jone | 's | Orphanage | is | as | cheery | as | cheery | goes | for | a | pastry | shop | ."));
    }

    @Test
    void treebankKeepsPhDAndSplitsSentenceFinalPeriods() {
        assertThat(wordTokenize(PHD)).isEqualTo(split("I | am | actively | looking | for | Ph.D. | students | . | and "
                + "| you | are | a | Ph.D. | student | ."));
    }

    @Test
    void treebankKeepsHyphenatedWordsAndSplitsDoesNt() {
        assertThat(wordTokenize("A home-based business doesn't pay.")).containsExactly(
                "A", "home-based", "business", "does", "n't", "pay", ".");
    }

    @Test
    void wordPunctSplitsEveryPunctuationRun() {
        assertThat(WordPunctTokenizer.tokenize(JONE)).isEqualTo(split("Don | ' | t | be | fooled | by | the | dark | "
                + "sounding | name | , | Mr | . | Jone | ' | s | Orphanage | is | as | cheery | as | cheery | goes | "
                + "for | a | pastry | shop | ."));
    }

    @Test
    void kerasLowercasesKeepsApostrophesAndDropsFilters() {
        assertThat(KerasTextToWordSequence.defaults().apply(JONE)).isEqualTo(split("don't | be | fooled | by | the | "
                + "dark | sounding | name | mr | jone's | orphanage | is | as | cheery | as | cheery | goes | for | a | "
                + "pastry | shop"));
    }

    @Test
    void barberTextIsFiveSentences() {
        assertThat(SentenceSplitter.split(BARBER)).containsExactly(
                "His barber kept his word.",
                "But keeping such a huge secret to himself was driving him crazy.",
                "Finally, the barber went up a mountain and almost to the edge of a cliff.",
                "He dug a hole in the midst of some reeds.",
                "He looked about, to mae sure no one was near.");
    }

    @Test
    void phDDoesNotEndASentenceButStudentsDoes() {
        assertThat(SentenceSplitter.split("I am actively looking for Ph.D. students. and you are a Ph.D student."))
                .containsExactly("I am actively looking for Ph.D. students.", "and you are a Ph.D student.");
    }

    @Test
    void ipAddressesAndEmailsNeverSplit() {
        assertThat(SentenceSplitter.split("IP 192.168.56.31 서버에 들어가서 로그 파일 저장해서 ukairia777@gmail.com로 결과 "
                + "좀 보내줘. 그 후 점심 먹으러 가자.")).containsExactly(
                "IP 192.168.56.31 서버에 들어가서 로그 파일 저장해서 ukairia777@gmail.com로 결과 좀 보내줘.",
                "그 후 점심 먹으러 가자.");
    }

    @Test
    void koreanTextIsFourSentences() {
        assertThat(SentenceSplitter.split(KO_SENTENCES)).containsExactly(
                "딥 러닝 자연어 처리가 재미있기는 합니다.",
                "그런데 문제는 영어보다 한국어로 할 때 너무 어려워요.",
                "농담아니에요.",
                "이제 해보면 알걸요?");
    }

    @Test
    void oktMorphsMatchKonlpy() {
        assertThat(OktTokenizer.morphs(OKT, false, false)).isEqualTo(
                split("열심히 | 코딩 | 한 | 당신 | , | 연휴 | 에는 | 여행 | 을 | 가봐요"));
    }

    @Test
    void oktPosMatchesKonlpy() {
        assertThat(OktTokenizer.pos(OKT, false, false).stream().map(OktTokenizer.Morph::pos).toList()).isEqualTo(
                List.of("Adverb", "Noun", "Josa", "Noun", "Punctuation", "Noun", "Josa", "Noun", "Josa", "Verb"));
    }

    @Test
    void oktNounsMatchKonlpy() {
        assertThat(OktTokenizer.nouns(OKT)).containsExactly("코딩", "당신", "연휴", "여행");
    }
}
