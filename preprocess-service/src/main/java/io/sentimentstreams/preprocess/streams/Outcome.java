package io.sentimentstreams.preprocess.streams;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;

/**
 * What the preprocess processor made of one raw record: exactly one of an encoded review (for
 * {@code reviews.encoded}) or a dead letter (for {@code reviews.dlq}). Never leaves the topology.
 */
public record Outcome(EncodedReview encoded, DeadLetter deadLetter) {

    public static Outcome of(final EncodedReview encoded) {
        return new Outcome(encoded, null);
    }

    public static Outcome of(final DeadLetter deadLetter) {
        return new Outcome(null, deadLetter);
    }

    public boolean isEncoded() {
        return encoded != null;
    }
}
