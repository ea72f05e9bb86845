package io.sentimentstreams.preprocess.health;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.sentimentstreams.metrics.ReadinessGauge;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.enterprise.context.ApplicationScoped;

/** Exports every readiness check of this service (its own and Quarkus's) as {@code sentiment_preprocess_ready}. */
@Startup
@ApplicationScoped
public class ReadinessMetric {

    public ReadinessMetric(final MeterRegistry registry, final SmallRyeHealthReporter health) {
        // /q/metrics is served on a worker thread, where the reporter may block on its checks.
        ReadinessGauge.register(registry, "preprocess", () -> !health.getReadiness().isDown());
    }
}
