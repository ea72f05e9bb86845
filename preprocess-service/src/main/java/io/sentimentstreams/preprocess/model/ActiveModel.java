package io.sentimentstreams.preprocess.model;

import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.text.Encoding;
import java.time.Instant;

/**
 * One loaded model version for one language: its name and version, bundle digest, and the encoder built
 * from its pipeline config and vocabulary. Immutable, so a record encoded with it is stamped with exactly
 * the version whose vocabulary produced its ids.
 */
public record ActiveModel(ModelRef ref, String lang, String digest, Instant loadedAt, Encoder encoder) {

    /** Text in, padded token ids out; {@link io.sentimentstreams.text.TextPipeline#encode} in production. */
    @FunctionalInterface
    public interface Encoder {
        Encoding encode(String text);
    }
}
