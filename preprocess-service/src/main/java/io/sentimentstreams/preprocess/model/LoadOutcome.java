package io.sentimentstreams.preprocess.model;

/**
 * What the registry did with one record of {@code sentiment.models}: the record key in, whether the bundle
 * became active, was skipped, or was refused (with a machine-readable reason and a message), or a tombstone
 * retired the version, out.
 */
public record LoadOutcome(String key, Status status, String reason, String message) {

    /** The four things that can happen to a models record. */
    public enum Status { LOADED, SKIPPED, REFUSED, RETIRED }

    static LoadOutcome loaded(final String key, final String message) {
        return new LoadOutcome(key, Status.LOADED, null, message);
    }

    static LoadOutcome skipped(final String key, final String message) {
        return new LoadOutcome(key, Status.SKIPPED, null, message);
    }

    static LoadOutcome refused(final String key, final String reason, final String message) {
        return new LoadOutcome(key, Status.REFUSED, reason, message);
    }

    static LoadOutcome retired(final String key, final String message) {
        return new LoadOutcome(key, Status.RETIRED, null, message);
    }
}
