package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndToEndBenchTest {

    @Test
    void soakSlopeIsTheLeastSquaresFitPerMinute() {
        assertThat(EndToEndBench.slope(List.of(300L, 302L, 304L, 306L))).isCloseTo(2.0, within(1e-9));
        assertThat(EndToEndBench.slope(List.of(300L, 310L, 300L, 310L))).isCloseTo(2.0, within(1e-9));
        assertThat(EndToEndBench.slope(List.of(400L, 400L, 400L))).isZero();
        assertThat(EndToEndBench.slope(List.of(400L))).isZero();
    }

    @Test
    void reviewIdsMapToTheirStep() {
        assertThat(EndToEndBench.step("e2e-12-345")).isEqualTo("e2e-12-");
        assertThat(EndToEndBench.step("e2e-3-0")).isEqualTo("e2e-3-");
        assertThat(EndToEndBench.step("other")).isEqualTo("other");
    }
}
