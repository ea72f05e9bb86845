package io.sentimentstreams.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * A review after preprocess-service: the {@link Review} fields, the resolved language, and the padded
 * token ids produced by the vocabulary of exactly one model version, which must also score it.
 */
public record EncodedReview(
        int schema,
        String id,
        String text,
        Lang lang,
        String source,
        Instant receivedAt,
        Map<String, String> attributes,
        String model,
        int modelVersion,
        int[] ids,
        int tokenCount,
        int oovCount,
        Instant encodedAt) {

    public static final int SCHEMA = 1;

    public EncodedReview {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** The {@code name@version} key of the model that encoded this review. */
    public String modelRef() {
        return ModelRef.format(model, modelVersion);
    }
}
