package io.sentimentstreams.bundle;

/** A bundle that cannot be used: missing file, checksum mismatch, bad manifest or shape. */
public final class BundleException extends Exception {

    /** Machine-readable cause, used as the {@code reason} tag of the models-refused metric. */
    public enum Kind { MISSING_FILE, CHECKSUM_MISMATCH, BAD_MANIFEST, BAD_ARCHIVE, SHAPE_MISMATCH, CANARY_FAILED }

    private final Kind kind;

    public BundleException(final Kind kind, final String message) {
        super(message);
        this.kind = kind;
    }

    public BundleException(final Kind kind, final String message, final Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
