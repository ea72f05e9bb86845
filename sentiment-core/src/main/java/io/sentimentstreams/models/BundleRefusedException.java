package io.sentimentstreams.models;

/** A models record that fails a check: carries the {@link Refusal} the service logs and counts. */
public final class BundleRefusedException extends Exception {

    private final transient Refusal refusal;

    public BundleRefusedException(final Refusal refusal) {
        super(refusal.reason() + ": " + refusal.message());
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }
}
