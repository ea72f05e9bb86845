package io.sentimentstreams.preprocess.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code sentiment.preprocess.*} section of {@code application.properties} (each key also readable from
 * the environment, e.g. {@code SENTIMENT_PREPROCESS_DEDUP_ENABLED}) in, typed settings out.
 */
@ConfigMapping(prefix = "sentiment.preprocess")
public interface PreprocessConfig {

    Dedup dedup();

    Models models();

    /**
     * Idempotency by review id: within the window a repeat of an encoded review (same id, same text) is dropped
     * and counted, the same id with another text is dead-lettered as ID_CONFLICT.
     */
    interface Dedup {
        /** On by default: a producer that retries after a lost answer must not get a review labeled twice. */
        @WithDefault("true")
        boolean enabled();

        /** How long a review id is remembered (by record timestamp). */
        @WithDefault("PT24H")
        Duration window();
    }

    /** Where the model registry unpacks bundles and how long records wait for its first full read. */
    interface Models {
        /** Scratch directory for unpacking bundles; each is deleted once its vocabulary is loaded. */
        Path cacheDir();

        /**
         * How long the first records wait for the registry to read {@code sentiment.models} up to the end
         * offsets it saw at start-up; after that a language without a model is dead-lettered at once.
         */
        @WithDefault("PT60S")
        Duration initialLoadTimeout();

        /** Poll timeout of the models consumer (also its shutdown latency). */
        @WithDefault("PT1S")
        Duration pollTimeout();
    }
}
