package io.sentimentstreams.rollout;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * A review id in, its bucket in {@code [0, 100)} out: murmur2 of the id's UTF-8 bytes, the hash Kafka's
 * default partitioner uses, so the bucket depends on the id alone (no seed, no JVM, no instance) and a retried
 * id lands in the same bucket on every preprocess instance and after every restart.
 */
public final class CanaryBucket {

    public static final int BUCKETS = 100;

    private CanaryBucket() {
    }

    public static int of(final String id) {
        return Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % BUCKETS;
    }

    /** Whether {@code id} is among the {@code percent} % of ids a canary scores. */
    public static boolean inCanary(final String id, final int percent) {
        return of(id) < percent;
    }
}
