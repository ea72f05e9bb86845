package io.sentimentstreams.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessGaugeTest {

    @Test
    void theGaugeFollowsTheCheckAtEveryReadAndAFailingCheckIsNotReady() {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final AtomicBoolean up = new AtomicBoolean(false);
        final AtomicBoolean broken = new AtomicBoolean(false);
        ReadinessGauge.register(registry, "ingest", () -> {
            if (broken.get()) {
                throw new IllegalStateException("check broke");
            }
            return up.get();
        });
        assertThat(registry.get("sentiment.ingest.ready").gauge().value()).isZero();
        up.set(true);
        assertThat(registry.get("sentiment.ingest.ready").gauge().value()).isEqualTo(1.0);
        broken.set(true);
        assertThat(registry.get("sentiment.ingest.ready").gauge().value()).isZero();
    }
}
