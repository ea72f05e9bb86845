package io.sentimentstreams.preprocess.streams;

import io.sentimentstreams.preprocess.config.PreprocessConfig;
import java.time.Duration;

/**
 * The settings the topology is built with: idempotency by review id on/off and its window, and how long the
 * first records wait for the model registry's initial read. A plain record so tests need no CDI.
 */
public record TopologySettings(boolean dedupEnabled, Duration dedupWindow, Duration initialLoadTimeout) {

    public static TopologySettings from(final PreprocessConfig config) {
        return new TopologySettings(config.dedup().enabled(), config.dedup().window(),
                config.models().initialLoadTimeout());
    }
}
