package io.sentimentstreams.models;

import io.sentimentstreams.contracts.ModelRef;

/**
 * One refused record of {@code sentiment.models}: its key, the version it names (null when the key is not
 * {@code name@version}), the reason code and a message for the log.
 */
public record Refusal(String key, ModelRef ref, RefusalReason reason, String message) {

    /** The {@code model} tag of the refused counter: the name from the key, {@code unknown} when the key is unusable. */
    public String modelTag() {
        return ref == null ? "unknown" : ref.name();
    }
}
