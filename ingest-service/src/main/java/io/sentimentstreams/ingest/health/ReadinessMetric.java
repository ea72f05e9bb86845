package io.sentimentstreams.ingest.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.sentimentstreams.metrics.ReadinessGauge;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/** Exports every readiness check of this service (its own and Quarkus's) as {@code sentiment_ingest_ready}. */
@Startup
@ApplicationScoped
public class ReadinessMetric {

    private final MeterRegistry registry;
    private final Gauge gauge;

    public ReadinessMetric(final MeterRegistry registry, final SmallRyeHealthReporter health) {
        this.registry = registry;
        // /q/metrics is served on a worker thread, where the reporter may block on its checks.
        this.gauge = ReadinessGauge.register(registry, "ingest", () -> !health.getReadiness().isDown());
    }

    /**
     * The gauge holds this application's health checks: left in Micrometer's global registry after a restart in
     * the same JVM (tests), the next application's scrapes would run the old checks against a broker long gone.
     */
    @PreDestroy
    void remove() {
        registry.remove(gauge);
    }
}
