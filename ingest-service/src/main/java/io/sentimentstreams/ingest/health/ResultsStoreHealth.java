package io.sentimentstreams.ingest.health;

import io.sentimentstreams.ingest.results.ResultsStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the results stream: DOWN only when it has stopped (ERROR, NOT_RUNNING); while it rebalances or
 * restores it is UP, because POST /reviews works all the same and GET /reviews/{id} answers 503 + Retry-After.
 */
@Readiness
@ApplicationScoped
public class ResultsStoreHealth implements HealthCheck {

    private final ResultsStore store;

    public ResultsStoreHealth(final ResultsStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        final KafkaStreams.State state = store.state();
        final boolean stopped = state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                || state == KafkaStreams.State.PENDING_ERROR;
        return HealthCheckResponse.named("results store").status(!stopped).withData("state", state.name())
                .withData("application.server", store.self()).build();
    }
}
