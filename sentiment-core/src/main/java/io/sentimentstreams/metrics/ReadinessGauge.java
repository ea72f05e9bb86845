package io.sentimentstreams.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * A service's readiness as a metric: {@code sentiment_<service>_ready} is 1 while the readiness check the
 * orchestrator probes ({@code /q/health/ready}) is UP and 0 otherwise, evaluated at every scrape, so an alert sees
 * what Kubernetes sees, also on compose where no kube-state-metrics exists.
 */
public final class ReadinessGauge {

    private static final Logger LOG = Logger.getLogger(ReadinessGauge.class);

    private ReadinessGauge() {
    }

    /** The meter name for {@code service} ({@code ingest}, {@code preprocess}, {@code inference}). */
    public static String name(final String service) {
        return "sentiment." + service + ".ready";
    }

    /**
     * Registers the gauge; {@code ready} is asked at every scrape and a check that throws counts as not ready
     * (the probe would answer DOWN too).
     */
    public static Gauge register(final MeterRegistry registry, final String service, final BooleanSupplier ready) {
        return Gauge.builder(name(service), ready, ReadinessGauge::value)
                .description("1 while the readiness check (/q/health/ready) is UP, 0 while it is DOWN")
                .strongReference(true)
                .register(registry);
    }

    static double value(final BooleanSupplier ready) {
        try {
            return ready.getAsBoolean() ? 1.0 : 0.0;
        } catch (RuntimeException e) {
            LOG.debugf(e, "readiness check failed while scraping");
            return 0.0;
        }
    }
}
