package io.sentimentstreams.ingest.rest;

import io.sentimentstreams.ingest.results.ReviewResult;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer to an accepted POST: how many reviews were written to reviews.raw and their ids in request order, the
 * accepted ids the results store already knew on arrival (best effort), the items refused one by one (empty for an
 * atomic request, which is accepted only as a whole), and with {@code wait} the result of each accepted item.
 */
public record Accepted(
        int accepted,
        List<String> ids,
        @Schema(description = "Accepted ids that the results store already knew when the request arrived (a retry or "
                + "resubmission; such a review is labeled once). Best effort: a retry racing its original can be "
                + "missing here and is still deduplicated by preprocess-service")
        List<String> duplicates,
        List<Rejected> rejected,
        @Schema(description = "Only with wait: the result of each accepted item, in the order of ids")
        List<ReviewResult> results) {

    public Accepted withResults(final List<ReviewResult> of) {
        return new Accepted(accepted, ids, duplicates, rejected, of);
    }
}
