package io.sentimentstreams.json;

import java.util.List;

/** A string that is not the wire name of any constant of a {@link WireName} enum: the value and the allowed names. */
public final class UnknownNameException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient Class<?> type;
    private final String value;
    private final List<String> allowed;

    public UnknownNameException(final Class<?> type, final String what, final String value,
                                final List<String> allowed) {
        super("unknown " + what + " " + (value == null ? "null" : "'" + value + "'") + " (allowed: "
                + String.join(", ", allowed) + ")");
        this.type = type;
        this.value = value;
        this.allowed = List.copyOf(allowed);
    }

    /** The enum the value was meant for. */
    public Class<?> type() {
        return type;
    }

    public String value() {
        return value;
    }

    public List<String> allowed() {
        return allowed;
    }
}
