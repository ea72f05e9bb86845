package io.sentimentstreams.inference.health;

import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.inference.config.InferenceConfig;
import io.sentimentstreams.inference.loop.InferenceService;
import io.sentimentstreams.inference.loop.InferenceWorker;
import io.sentimentstreams.inference.model.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the models topic has been replayed, every worker is polling, and (unless
 * {@code sentiment.inference.models.ready-requires-model=false}) at least one model version is loaded:
 * without a model every record would end in the DLQ after the version wait. A worker that gave way to
 * another live instance with its transactional id keeps the instance not ready and names the id and the
 * setting to change.
 */
@Readiness
@ApplicationScoped
public class InferenceReadiness implements HealthCheck {

    private final InferenceService service;
    private final InferenceConfig config;

    public InferenceReadiness(final InferenceService service, final InferenceConfig config) {
        this.service = service;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        final ModelRegistry registry = service.registry();
        final boolean replayed = registry != null && registry.caughtUp();
        final int loaded = registry == null ? 0 : registry.loadedCount();
        final boolean polling = service.allWorkersPolling();
        final boolean modelOk = loaded > 0 || !config.models().readyRequiresModel();
        final List<String> conflicts = service.conflictedTransactionalIds();
        final HealthCheckResponseBuilder b = HealthCheckResponse.named("inference")
                .status(replayed && polling && modelOk && conflicts.isEmpty())
                .withData("modelsReplayed", replayed)
                .withData("workersPolling", polling)
                .withData("modelsLoaded", loaded);
        if (!conflicts.isEmpty()) {
            b.withData("transactionalIdConflict", String.join(",", conflicts)
                    + " is used by another live instance; set " + InferenceWorker.ID_SETTING
                    + " unique per instance");
        }
        if (registry != null) {
            b.withData("models", String.join(",", registry.loadedRefs().stream().map(ModelRef::toString).toList()));
        }
        return b.build();
    }
}
