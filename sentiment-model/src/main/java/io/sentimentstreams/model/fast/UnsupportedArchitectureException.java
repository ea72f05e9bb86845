package io.sentimentstreams.model.fast;

/** Thrown when a network uses a layer, activation or wiring the fast engine does not reproduce. */
public final class UnsupportedArchitectureException extends Exception {

    public UnsupportedArchitectureException(final String message) {
        super(message);
    }
}
