package io.sentimentstreams.vocab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.text.KerasTextToWordSequence;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashingTest {

    @Test
    void md5MatchesKerasHashingTrick() {
        // Python: int(md5(w.encode()).hexdigest(), 16) % (20 - 1) + 1
        assertThat(Hashing.hashingTrick("The movie, 좋아!", 20, Hashing.Function.MD5, KerasTextToWordSequence.defaults()))
                .containsExactly(17, 18, 19);
    }

    @Test
    void murmur3MatchesTheReferenceVectors() {
        assertThat(Hashing.murmur3(new byte[0])).isZero();
        assertThat(Hashing.murmur3("hello".getBytes(StandardCharsets.UTF_8))).isEqualTo(0x248bfa47);
        assertThat(Hashing.murmur3("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(0x2e4ff723);
    }

    @Test
    void indicesStayWithinOneToNMinusOne() {
        for (final String w : new String[] {"a", "b", "movie", "😀", ""}) {
            for (final Hashing.Function f : Hashing.Function.values()) {
                assertThat(Hashing.bucket(w, 2, f)).isEqualTo(1);
                assertThat(Hashing.bucket(w, 1000, f)).isBetween(1, 999);
            }
        }
        assertThatThrownBy(() -> Hashing.bucket("a", 1, Hashing.Function.MD5)).isInstanceOf(IllegalArgumentException.class);
    }
}
