package io.sentimentstreams.ingest.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.sentimentstreams.tracing.RecordTracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Quarkus' OpenTelemetry in, the service's {@link RecordTracing} out: {@link RecordTracing#OFF} while the SDK is
 * disabled (the default), so the stages then neither read nor write trace headers nor open spans.
 */
@ApplicationScoped
public class TracingProducer {

    @Produces
    @Singleton
    RecordTracing recordTracing(final OpenTelemetry openTelemetry,
                                @ConfigProperty(name = "quarkus.otel.sdk.disabled") final boolean disabled) {
        return disabled ? RecordTracing.OFF : RecordTracing.of(openTelemetry);
    }
}
