package io.sentimentstreams.ingest.rest;

import java.util.List;

/** The 202 body: how many reviews were written to reviews.raw and their ids, in request order. */
public record Accepted(int accepted, List<String> ids) {
}
