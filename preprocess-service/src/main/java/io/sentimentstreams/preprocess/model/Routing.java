package io.sentimentstreams.preprocess.model;

import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.rollout.Rollout;

/**
 * What encodes the reviews of one language right now: the {@link Rollout} and the encoders of its live
 * version and of its candidate (null when it has none, or when its vocabulary is not held). Immutable and
 * swapped whole, so a record never sees the rollout of one moment with the encoders of another.
 */
public record Routing(Rollout rollout, ActiveModel live, ActiveModel candidate) {

    /** The encoder answering {@code id} (canary share or live) with its route, or null when that model is missing. */
    public Choice choose(final String id) {
        if (candidate != null && rollout.routesToCandidate(id)) {
            return new Choice(candidate, EncodedReview.ROUTE_CANARY);
        }
        return live == null ? null : new Choice(live, EncodedReview.ROUTE_LIVE);
    }

    /** The shadow's encoder, or null when no shadow runs. */
    public ActiveModel shadow() {
        return rollout.shadow() == null ? null : candidate;
    }

    /** An encoder and why it answers ({@link EncodedReview#ROUTE_LIVE} or {@link EncodedReview#ROUTE_CANARY}). */
    public record Choice(ActiveModel model, String route) {
    }
}
