package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    @Test
    void abbreviationsDoNotEndSentencesUnlessASentenceStarterFollows() {
        assertThat(SentenceSplitter.split("Mr. Smith met Dr. Jones at 5 p.m. on Main St. yesterday."))
                .containsExactly("Mr. Smith met Dr. Jones at 5 p.m. on Main St. yesterday.");
        assertThat(SentenceSplitter.split("He lives in the U.S. The weather is fine."))
                .containsExactly("He lives in the U.S.", "The weather is fine.");
        assertThat(SentenceSplitter.split("Movies, books, etc. are fine. I agree."))
                .containsExactly("Movies, books, etc. are fine.", "I agree.");
    }

    @Test
    void pricesDecimalsAndNumbers() {
        assertThat(SentenceSplitter.split("It cost $45.55 and pi is 3.14. Both are numbers."))
                .containsExactly("It cost $45.55 and pi is 3.14.", "Both are numbers.");
        assertThat(SentenceSplitter.split("Rated 4. out of 10 by me.")).containsExactly("Rated 4. out of 10 by me.");
        assertThat(SentenceSplitter.split("It came out in 1999. It flopped."))
                .containsExactly("It came out in 1999.", "It flopped.");
    }

    @Test
    void initialsStayWithTheirNames() {
        assertThat(SentenceSplitter.split("Directed by J. R. Tolkien fans. Great."))
                .containsExactly("Directed by J. R. Tolkien fans.", "Great.");
    }

    @Test
    void questionAndExclamationMarksAndClosingQuotes() {
        assertThat(SentenceSplitter.split("Really?! Yes. \"Go home.\" She left (finally.) The end"))
                .containsExactly("Really?!", "Yes.", "\"Go home.\"", "She left (finally.)", "The end");
    }

    @Test
    void ellipsisEndsASentenceOnlyBeforeACapital() {
        assertThat(SentenceSplitter.split("Well... maybe not. Wait... What?"))
                .containsExactly("Well... maybe not.", "Wait...", "What?");
    }

    @Test
    void urlsAndEmailsNeverSplit() {
        assertThat(SentenceSplitter.split("See www.example.com/a.b or mail a.b@c.org now. Bye."))
                .containsExactly("See www.example.com/a.b or mail a.b@c.org now.", "Bye.");
    }

    @Test
    void koreanEndingsWithoutPunctuation() {
        assertThat(SentenceSplitter.split("영화가 정말 재미있었어요 배우들 연기도 좋았다 강추합니다"))
                .containsExactly("영화가 정말 재미있었어요", "배우들 연기도 좋았다", "강추합니다");
        // -보다 (than) is not an ending; no split inside
        assertThat(SentenceSplitter.split("영어보다 한국어로 할 때 어렵다")).hasSize(1);
        // Korean without any spaces stays one sentence
        assertThat(SentenceSplitter.split("정말재밌어요최고에요")).containsExactly("정말재밌어요최고에요");
    }

    @Test
    void emptyAndBlank() {
        assertThat(SentenceSplitter.split("")).isEmpty();
        assertThat(SentenceSplitter.split("  \t ")).isEmpty();
        assertThat(SentenceSplitter.split(null)).isEmpty();
        assertThat(SentenceSplitter.split(". . .")).containsExactly(".", ".", ".");
    }
}
