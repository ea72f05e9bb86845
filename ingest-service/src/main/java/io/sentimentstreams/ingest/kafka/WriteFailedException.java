package io.sentimentstreams.ingest.kafka;

/** A batch of reviews was not written to reviews.raw (nothing of it is visible to read_committed readers). */
public final class WriteFailedException extends Exception {

    /** Why: the broker did not acknowledge in time, or every producer stayed busy. */
    public enum Cause {
        BROKER_UNAVAILABLE,
        BUSY
    }

    private final Cause cause;

    public WriteFailedException(final Cause cause, final String message, final Throwable error) {
        super(message, error);
        this.cause = cause;
    }

    public Cause kind() {
        return cause;
    }
}
