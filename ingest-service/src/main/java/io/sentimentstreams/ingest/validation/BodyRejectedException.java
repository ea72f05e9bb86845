package io.sentimentstreams.ingest.validation;

import java.io.IOException;

/**
 * A request body refused as a whole before it was read to the end: too many bytes or too many items.
 * An {@link IOException} so it can escape from inside a JSON parser reading the capped stream.
 */
public final class BodyRejectedException extends IOException {

    /** HTTP-level problem codes that are not {@link io.sentimentstreams.contracts.Reason}s of one item. */
    public enum Code {
        BODY_TOO_LARGE,
        TOO_MANY_ITEMS
    }

    private final Code code;

    public BodyRejectedException(final Code code, final String detail) {
        super(detail);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
