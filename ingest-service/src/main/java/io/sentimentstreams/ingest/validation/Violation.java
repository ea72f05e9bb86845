package io.sentimentstreams.ingest.validation;

import io.sentimentstreams.contracts.Reason;

/**
 * One thing wrong with one item: its position in a batch (null for a single review or a body-level
 * error), the offending field (null when the item as a whole is wrong), the reason code and a detail
 * that never quotes the review text.
 */
public record Violation(Integer index, String field, Reason reason, String detail) {
}
