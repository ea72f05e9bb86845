package io.sentimentstreams.bundle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sentimentstreams.json.WireName;

/** How a recurrent network pools over time: the wire name in {@link Architecture} in, the constant out. */
public enum Pooling implements WireName {
    /** The last time step (DL4J {@code LastTimeStep}). */
    LAST("last"),
    /** The maximum over time steps. */
    MAX("max"),
    /** The mean over time steps. */
    MEAN("mean");

    private final String wireName;

    Pooling(final String wireName) {
        this.wireName = wireName;
    }

    /** The constant named exactly {@code name}; otherwise an error naming the value and the allowed ones. */
    @JsonCreator
    public static Pooling of(final String name) {
        return WireName.parse(Pooling.class, "pooling", name);
    }

    @Override
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The wire name, so model cards and messages read as before the enum. */
    @Override
    public String toString() {
        return wireName;
    }
}
