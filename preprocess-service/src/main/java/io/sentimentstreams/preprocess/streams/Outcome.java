package io.sentimentstreams.preprocess.streams;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;

/**
 * What the preprocess processor made of one raw record: an encoded review (for {@code reviews.encoded}), a
 * dead letter (for {@code reviews.dlq}), or neither for a repeat of a review already encoded (same id, same
 * text), which is counted and not forwarded. Never leaves the topology.
 */
public record Outcome(EncodedReview encoded, DeadLetter deadLetter) {

    /** A repeat of an already encoded review: nothing to forward. */
    public static final Outcome REPEAT = new Outcome(null, null);

    public static Outcome of(final EncodedReview encoded) {
        return new Outcome(encoded, null);
    }

    public static Outcome of(final DeadLetter deadLetter) {
        return new Outcome(null, deadLetter);
    }

    public boolean isEncoded() {
        return encoded != null;
    }

    public boolean isRepeat() {
        return encoded == null && deadLetter == null;
    }
}
