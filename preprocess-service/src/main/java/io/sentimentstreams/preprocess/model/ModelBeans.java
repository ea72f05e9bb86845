package io.sentimentstreams.preprocess.model;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sentimentstreams.models.ModelsTopicFollower;
import io.sentimentstreams.preprocess.config.PreprocessConfig;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Configuration and the meter registry in; the one {@link PreprocessMetrics}, {@link ModelRegistry} and
 * {@link ModelsTopicFollower} (feeding the registry from start-up to shutdown) out.
 */
@Singleton
public class ModelBeans {

    static final String CLIENT_ID = "sentiment-preprocess-models";

    @Produces
    @Singleton
    PreprocessMetrics metrics(final MeterRegistry registry) {
        return new PreprocessMetrics(registry);
    }

    @Produces
    @Singleton
    ModelRegistry registry(final PreprocessConfig config, final PreprocessMetrics metrics) {
        return new ModelRegistry(config.models().cacheDir(), metrics);
    }

    @Produces
    @Singleton
    ModelsTopicFollower follower(final ModelRegistry registry, final PreprocessConfig config,
                                 @Identifier("default-kafka-broker") final Map<String, Object> kafka) {
        // The service's whole kafka.* client configuration (TLS included), not only the bootstrap servers: on a
        // secured cluster a follower with bootstrap alone never reads the models topic.
        final ModelsTopicFollower.Handler handler = registry::offer;
        return new ModelsTopicFollower(kafka, CLIENT_ID, config.models().pollTimeout(), handler,
                registry::markCaughtUp);
    }

    void start(@Observes final StartupEvent event, final ModelsTopicFollower follower) {
        follower.start();
    }

    void stop(@Observes final ShutdownEvent event, final ModelsTopicFollower follower) throws InterruptedException {
        follower.close();
    }
}
