package io.sentimentstreams.inference.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FencingWatchTest {

    private static final long S = 1_000_000_000L;
    private static final long WINDOW = FencingWatch.WINDOW.toNanos();

    @Test
    void aWorkerStartedWithinTheWindowGivesWayAtTheSecondFencing() {
        final FencingWatch w = new FencingWatch(0);
        assertThat(w.fenced(5 * S)).isFalse();
        assertThat(w.fenced(6 * S)).isTrue();
        assertThat(w.count()).isEqualTo(2);
    }

    @Test
    void anOlderWorkerGivesWayOnlyAtTheFourthFencingWithinTheWindow() {
        final long t = 10 * WINDOW;
        final FencingWatch w = new FencingWatch(0);
        assertThat(w.fenced(t)).isFalse();
        assertThat(w.fenced(t + S)).isFalse();
        assertThat(w.fenced(t + 2 * S)).isFalse();
        assertThat(w.fenced(t + 3 * S)).isTrue();
    }

    @Test
    void fencingsFurtherApartThanTheWindowNeverAddUp() {
        final FencingWatch w = new FencingWatch(0);
        assertThat(w.fenced(10 * S)).isFalse();
        for (int i = 1; i <= 10; i++) {
            assertThat(w.fenced(10 * S + i * (WINDOW + S))).isFalse();
            assertThat(w.count()).isEqualTo(1);
        }
    }
}
