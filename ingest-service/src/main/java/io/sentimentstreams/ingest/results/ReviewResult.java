package io.sentimentstreams.ingest.results;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Review;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What ingest knows about one review id: PENDING from reviews.raw, LABELED from reviews.labeled or DEAD_LETTERED
 * from reviews.dlq, with the fields of that status (absent fields are left out of the JSON).
 */
@Schema(name = "ReviewResult", description = "The state of one review: PENDING (accepted, on its way), LABELED or "
        + "DEAD_LETTERED (a stage refused it)")
public record ReviewResult(
        String id,
        Status status,
        @Schema(description = "LABELED: POSITIVE or NEGATIVE") String label,
        @Schema(description = "LABELED: P(positive)") Double score,
        @Schema(description = "LABELED: model name") String model,
        @Schema(description = "LABELED: model version") Integer modelVersion,
        @Schema(description = "When ingest accepted the review") Instant receivedAt,
        @Schema(description = "LABELED: when inference scored it") Instant labeledAt,
        @Schema(description = "DEAD_LETTERED: the stage that refused it (INGEST, PREPROCESS, INFERENCE)") String stage,
        @Schema(description = "DEAD_LETTERED: the reason code") String reason,
        @Schema(description = "DEAD_LETTERED: the stage's message") String detail) {

    public enum Status {
        PENDING, LABELED, DEAD_LETTERED;

        public boolean done() {
            return this != PENDING;
        }
    }

    public static ReviewResult pending(final Review review) {
        return new ReviewResult(review.id(), Status.PENDING, null, null, null, null, review.receivedAt(), null, null,
                null, null);
    }

    /** A PENDING answer for an accepted id whose result is not known yet (the wait of a POST ended). */
    public static ReviewResult pendingSince(final String id, final Instant receivedAt) {
        return new ReviewResult(id, Status.PENDING, null, null, null, null, receivedAt, null, null, null, null);
    }

    public static ReviewResult labeled(final LabeledReview labeled) {
        return new ReviewResult(labeled.id(), Status.LABELED, labeled.label() == null ? null : labeled.label().name(),
                labeled.score(), labeled.model(), labeled.modelVersion(), labeled.receivedAt(), labeled.labeledAt(),
                null, null, null);
    }

    public static ReviewResult deadLettered(final String id, final DeadLetter letter) {
        return new ReviewResult(id, Status.DEAD_LETTERED, null, null, null, null, null, null,
                letter.stage() == null ? null : letter.stage().name(),
                letter.reason() == null ? null : letter.reason().name(), letter.message());
    }

    /**
     * This (stored) result updated by a newer record about the same id. A LABELED result wins over everything (also a
     * dead letter that came first: a replayed letter can be labeled later); a dead letter wins over PENDING and an
     * older dead letter, but never over LABELED; PENDING only fills a gap, so a resubmitted review never hides the
     * result of its first copy. An {@code ID_CONFLICT} letter is about another text sent under a known id, whose first
     * copy is still on its way or done, so it does not replace what is stored either.
     */
    public ReviewResult merge(final ReviewResult update) {
        final Instant firstSeen = receivedAt != null ? receivedAt : update.receivedAt;
        return switch (update.status) {
            case PENDING -> this;
            case LABELED -> update.withReceivedAt(update.receivedAt != null ? update.receivedAt : firstSeen);
            case DEAD_LETTERED -> status == Status.LABELED || Reason.ID_CONFLICT.name().equals(update.reason)
                    ? this : update.withReceivedAt(firstSeen);
        };
    }

    private ReviewResult withReceivedAt(final Instant at) {
        return new ReviewResult(id, status, label, score, model, modelVersion, at, labeledAt, stage, reason, detail);
    }
}
