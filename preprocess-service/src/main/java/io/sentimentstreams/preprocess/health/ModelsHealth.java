package io.sentimentstreams.preprocess.health;

import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.models.ModelsTopicFollower;
import io.sentimentstreams.preprocess.model.ActiveModel;
import io.sentimentstreams.preprocess.model.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The model registry's state in; two checks out: ready once {@code sentiment.models} has been read to the
 * end offsets seen at start-up (with the active model per language as data), live while the models
 * topic follower thread runs. A language without a model does not make the service unready: its records go to
 * the dead-letter topic with {@code NO_MODEL}.
 */
public final class ModelsHealth {

    private ModelsHealth() {
    }

    static HealthCheckResponseBuilder withModels(final HealthCheckResponseBuilder b, final ModelRegistry registry) {
        for (final String lang : Lang.NAMES) {
            final Map<String, ActiveModel> active = registry.snapshot();
            b.withData(lang, active.containsKey(lang) ? active.get(lang).ref().toString() : "none");
        }
        return b;
    }

    /** Readiness: the initial read of the models topic is done. */
    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final ModelRegistry registry;

        public Ready(final ModelRegistry registry) {
            this.registry = registry;
        }

        @Override
        public HealthCheckResponse call() {
            return withModels(HealthCheckResponse.named("preprocess-models-loaded").status(registry.isCaughtUp()),
                    registry).build();
        }
    }

    /** Liveness: the models topic follower thread is running, so new versions will be picked up. */
    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        private final ModelsTopicFollower follower;

        public Live(final ModelsTopicFollower follower) {
            this.follower = follower;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("preprocess-models-consumer").status(follower.isAlive()).build();
        }
    }
}
