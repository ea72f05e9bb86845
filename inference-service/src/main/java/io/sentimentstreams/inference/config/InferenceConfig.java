package io.sentimentstreams.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code sentiment.inference.*} settings (environment: {@code SENTIMENT_INFERENCE_*}) that shape
 * the consume-score-produce loop and the model registry; defaults and their reasons are in the README.
 */
@ConfigMapping(prefix = "sentiment.inference")
public interface InferenceConfig {

    /** Loop threads, each with its own consumer and transactional producer; more than the partition count idles. */
    @WithDefault("1")
    int workers();

    /** Consumer group of the loop; every replica uses the same one so partitions spread over them. */
    @WithDefault("sentiment-inference")
    String groupId();

    /** Worker i uses {@code <prefix>-<i>}; must be distinct per replica and stable across its restarts. */
    @WithDefault("sentiment-inference-${HOSTNAME:local}")
    String transactionalIdPrefix();

    /** How long an open transaction may stay open before the broker aborts it (zombie clean-up). */
    @WithDefault("30s")
    Duration transactionTimeout();

    /** How long one poll waits when nothing is buffered; bounds shutdown latency too. */
    @WithDefault("100ms")
    Duration pollTimeout();

    /**
     * The longest a record waits for the model version that encoded it, counted from the moment a worker
     * first needed that version; after it, such records go to the DLQ as MODEL_VERSION_UNAVAILABLE.
     */
    @WithDefault("30s")
    Duration versionWait();

    Batch batch();

    Models models();

    /** Micro-batching: a batch closes when it holds {@link #maxSize()} records or {@link #maxWait()} after its first. */
    interface Batch {

        @WithDefault("128")
        int maxSize();

        @WithDefault("10ms")
        Duration maxWait();
    }

    /** The model registry fed by {@code sentiment.models}. */
    interface Models {

        /** Loaded versions kept in memory; the newest version of every model name is never evicted. */
        @WithDefault("3")
        int cacheSize();

        /** Where verified bundles are unpacked; default: a fresh directory under java.io.tmpdir. */
        Optional<Path> cacheDir();

        /** {@code auto} (fast engine when its canary passes, else dl4j), {@code fast} or {@code dl4j}. */
        @WithDefault("auto")
        String engine();

        /** Readiness waits for at least one loaded model (a service that can only dead-letter is not ready). */
        @WithDefault("true")
        boolean readyRequiresModel();
    }
}
