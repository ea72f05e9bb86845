package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    /** {@code text} splits into exactly {@code sentences}, in order. */
    private static void assertSplits(final String text, final String... sentences) {
        assertThat(SentenceSplitter.split(text)).as(text).containsExactly(sentences);
    }

    @Test
    void abbreviationsDoNotEndSentencesUnlessASentenceStarterFollows() {
        assertSplits("Mr. Smith met Dr. Jones at 5 p.m. on Main St. yesterday.",
                "Mr. Smith met Dr. Jones at 5 p.m. on Main St. yesterday.");
        assertSplits("He lives in the U.S. The weather is fine.", "He lives in the U.S.", "The weather is fine.");
        assertSplits("Movies, books, etc. are fine. I agree.", "Movies, books, etc. are fine.", "I agree.");
    }

    @Test
    void pricesDecimalsAndNumbers() {
        assertSplits("It cost $45.55 and pi is 3.14. Both are numbers.",
                "It cost $45.55 and pi is 3.14.", "Both are numbers.");
        assertSplits("Rated 4. out of 10 by me.", "Rated 4. out of 10 by me.");
        assertSplits("It came out in 1999. It flopped.", "It came out in 1999.", "It flopped.");
    }

    @Test
    void initialsStayWithTheirNames() {
        assertSplits("Directed by J. R. Tolkien fans. Great.", "Directed by J. R. Tolkien fans.", "Great.");
    }

    @Test
    void questionAndExclamationMarksAndClosingQuotes() {
        assertSplits("Really?! Yes. \"Go home.\" She left (finally.) The end",
                "Really?!", "Yes.", "\"Go home.\"", "She left (finally.)", "The end");
    }

    @Test
    void ellipsisEndsASentenceOnlyBeforeACapital() {
        assertSplits("Well... maybe not. Wait... What?", "Well... maybe not.", "Wait...", "What?");
    }

    @Test
    void urlsAndEmailsNeverSplit() {
        assertSplits("See www.example.com/a.b or mail a.b@c.org now. Bye.",
                "See www.example.com/a.b or mail a.b@c.org now.", "Bye.");
    }

    @Test
    void koreanEndingsWithoutPunctuation() {
        assertSplits("영화가 정말 재미있었어요 배우들 연기도 좋았다 강추합니다", "영화가 정말 재미있었어요", "배우들 연기도 좋았다", "강추합니다");
        // -보다 (than) is not an ending; no split inside
        assertThat(SentenceSplitter.split("영어보다 한국어로 할 때 어렵다")).hasSize(1);
        // Korean without any spaces stays one sentence
        assertSplits("정말재밌어요최고에요", "정말재밌어요최고에요");
    }

    @Test
    void emptyAndBlank() {
        assertThat(SentenceSplitter.split("")).isEmpty();
        assertThat(SentenceSplitter.split("  \t ")).isEmpty();
        assertThat(SentenceSplitter.split(null)).isEmpty();
        assertSplits(". . .", ".", ".", ".");
    }
}
