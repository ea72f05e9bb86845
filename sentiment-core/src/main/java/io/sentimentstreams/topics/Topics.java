package io.sentimentstreams.topics;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.contracts.ShadowResult;
import io.sentimentstreams.json.JsonSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The catalogue of every topic the system reads or writes. Names are the defaults of
 * ARCHITECTURE.md with an optional prefix from {@code SENTIMENT_TOPIC_PREFIX} (environment) or
 * {@code sentiment.topic.prefix} (system property), so several deployments can share one cluster.
 */
public final class Topics {

    /** Partitions per review topic: the unit of parallelism for every service. */
    public static final int REVIEW_PARTITIONS = 6;
    /** Largest model bundle record; the topic, producer and consumer are all configured for it. */
    public static final int MODEL_MAX_BYTES = 64 * 1024 * 1024;

    public static final String PREFIX = prefix();

    public static final Serde<String> KEYS = Serdes.String();

    public static final Topic<byte[], byte[]> INBOUND =
            review("reviews.inbound", Serdes.ByteArray(), Serdes.ByteArray());
    public static final Topic<String, Review> RAW =
            review("reviews.raw", KEYS, new JsonSerde<>(Review.class));
    public static final Topic<String, EncodedReview> ENCODED =
            review("reviews.encoded", KEYS, new JsonSerde<>(EncodedReview.class));
    public static final Topic<String, LabeledReview> LABELED =
            review("reviews.labeled", KEYS, new JsonSerde<>(LabeledReview.class));
    public static final Topic<String, LabeledReview> LABELED_POSITIVE =
            review("reviews.labeled.positive", KEYS, new JsonSerde<>(LabeledReview.class));
    public static final Topic<String, LabeledReview> LABELED_NEGATIVE =
            review("reviews.labeled.negative", KEYS, new JsonSerde<>(LabeledReview.class));
    /** Shadow scores beside the live ones (key: review id); written by inference in the labeled records' transaction. */
    public static final Topic<String, ShadowResult> SHADOW =
            review("reviews.shadow", KEYS, new JsonSerde<>(ShadowResult.class));
    public static final Topic<String, DeadLetter> DLQ =
            new Topic<>(PREFIX + "reviews.dlq", KEYS, new JsonSerde<>(DeadLetter.class), REVIEW_PARTITIONS,
                    Map.of("retention.ms", String.valueOf(30L * 24 * 3600 * 1000)));
    /**
     * Key {@code name@version}, value a zipped model bundle (see {@code io.sentimentstreams.bundle}); or key
     * {@code rollout:LANG}, value the language's rollout (see {@code io.sentimentstreams.rollout}).
     */
    public static final Topic<String, byte[]> MODELS =
            new Topic<>(PREFIX + "sentiment.models", KEYS, Serdes.ByteArray(), 1,
                    Map.of("cleanup.policy", "compact",
                            "max.message.bytes", String.valueOf(MODEL_MAX_BYTES),
                            "retention.ms", "-1"));

    /**
     * The ledger of dead-letter replays: key {@code partition:offset} of a replayed letter on {@link #DLQ},
     * value a JSON note of where it went; compacted and kept as long as the letters, so a letter is replayed
     * at most once.
     */
    public static final Topic<String, String> DLQ_REPLAYS =
            new Topic<>(PREFIX + "sentiment.dlq.replays", KEYS, Serdes.String(), 1,
                    Map.of("cleanup.policy", "compact", "retention.ms", "-1"));

    public static final List<Topic<?, ?>> ALL =
            List.of(INBOUND, RAW, ENCODED, LABELED, LABELED_POSITIVE, LABELED_NEGATIVE, SHADOW, DLQ, MODELS,
                    DLQ_REPLAYS);

    private Topics() {
    }

    private static <K, V> Topic<K, V> review(final String name, final Serde<K> keys, final Serde<V> values) {
        return new Topic<>(PREFIX + name, keys, values, REVIEW_PARTITIONS,
                Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000)));
    }

    private static String prefix() {
        final String fromProperty = System.getProperty("sentiment.topic.prefix");
        final String fromEnv = System.getenv("SENTIMENT_TOPIC_PREFIX");
        final String prefix = fromProperty != null ? fromProperty : fromEnv;
        return prefix == null ? "" : prefix.trim();
    }
}
