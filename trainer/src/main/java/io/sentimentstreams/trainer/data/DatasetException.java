package io.sentimentstreams.trainer.data;

/** A corpus that cannot be read: missing file, unknown column, or (with --strict) the first bad row. */
public final class DatasetException extends Exception {

    public DatasetException(final String message) {
        super(message);
    }

    public DatasetException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
