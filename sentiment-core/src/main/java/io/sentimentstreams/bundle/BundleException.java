package io.sentimentstreams.bundle;

/** A bundle that cannot be used: missing file, checksum mismatch, bad manifest or shape. */
public final class BundleException extends Exception {

    /**
     * Machine-readable cause, used as the {@code reason} tag of the models-refused metric: UNSUPPORTED_LANG and
     * BAD_PIPELINE are a manifest naming a language, or a tokenizer or padding side, that is not one of the enum's.
     */
    public enum Kind {
        MISSING_FILE, CHECKSUM_MISMATCH, BAD_MANIFEST, BAD_ARCHIVE, SHAPE_MISMATCH, CANARY_FAILED, UNSUPPORTED_LANG,
        BAD_PIPELINE
    }

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
