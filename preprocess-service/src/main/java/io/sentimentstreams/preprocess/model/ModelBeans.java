package io.sentimentstreams.preprocess.model;

import io.micrometer.core.instrument.MeterRegistry;
import io.sentimentstreams.preprocess.config.PreprocessConfig;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Configuration and the meter registry in; the one {@link PreprocessMetrics} and {@link ModelRegistry} out. */
public class ModelBeans {

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
}
