package io.sentimentstreams.ingest.rest;

import java.util.List;

/**
 * The 202 body: how many reviews were written to reviews.raw and their ids in request order, and the items
 * refused one by one (empty for an atomic request, which is accepted only as a whole).
 */
public record Accepted(int accepted, List<String> ids, List<Rejected> rejected) {
}
