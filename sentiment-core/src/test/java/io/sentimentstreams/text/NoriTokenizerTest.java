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
}
