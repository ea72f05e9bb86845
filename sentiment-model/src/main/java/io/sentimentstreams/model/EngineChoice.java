package io.sentimentstreams.model;

import java.util.Locale;

/**
 * Which engine a caller asks for: {@code dl4j} always serves the trained network itself; {@code fast}
 * serves the Vector-API engine when it supports the architecture and passes the load-time canary, and
 * falls back to {@code dl4j} otherwise.
 */
public enum EngineChoice {
    DL4J,
    FAST;

    /** Parses {@code dl4j} or {@code fast} (case-insensitive); {@code auto} is an alias of {@code fast}. */
    public static EngineChoice parse(final String value) {
        if (value == null) {
            throw new IllegalArgumentException("engine must be dl4j or fast, got null");
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "dl4j" -> DL4J;
            case "fast", "auto" -> FAST;
            default -> throw new IllegalArgumentException("engine must be dl4j or fast, got '" + value + "'");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
