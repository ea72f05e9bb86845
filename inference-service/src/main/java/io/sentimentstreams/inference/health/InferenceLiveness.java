package io.sentimentstreams.inference.health;

import io.sentimentstreams.inference.loop.InferenceService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive while no worker or models-reader thread has ended (they rebuild their clients on errors rather than exit). */
@Liveness
@ApplicationScoped
public class InferenceLiveness implements HealthCheck {

    private final InferenceService service;

    public InferenceLiveness(final InferenceService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("inference-workers").status(!service.anyThreadFinished()).build();
    }
}
