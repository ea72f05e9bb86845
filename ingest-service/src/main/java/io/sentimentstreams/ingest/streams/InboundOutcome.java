package io.sentimentstreams.ingest.streams;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Review;

/** What one reviews.inbound record became: exactly one of an accepted review or a dead letter. */
public record InboundOutcome(Review review, DeadLetter deadLetter) {

    public static InboundOutcome accepted(final Review review) {
        return new InboundOutcome(review, null);
    }

    public static InboundOutcome rejected(final DeadLetter deadLetter) {
        return new InboundOutcome(null, deadLetter);
    }

    public boolean isAccepted() {
        return review != null;
    }
}
