package io.sentimentstreams.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sentimentstreams.json.WireName;
import java.util.List;

/**
 * A supported review language: the wire name ({@code en}, {@code ko}) in events, bundles and CLI options in,
 * the constant out.
 */
public enum Lang implements WireName {
    EN(Lang.EN_NAME),
    KO(Lang.KO_NAME);

    /** {@link #EN}'s wire name as a compile-time constant, for annotations that cannot call {@link #wireName()}. */
    public static final String EN_NAME = "en";
    /** {@link #KO}'s wire name as a compile-time constant, for annotations that cannot call {@link #wireName()}. */
    public static final String KO_NAME = "ko";

    /** The wire names, in declaration order. */
    public static final List<String> NAMES = WireName.names(Lang.class);

    private final String wireName;

    Lang(final String wireName) {
        this.wireName = wireName;
    }

    /** The constant named exactly {@code name}; otherwise an error naming the value and the allowed ones. */
    @JsonCreator
    public static Lang of(final String name) {
        return WireName.parse(Lang.class, "language", name);
    }

    @Override
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The wire name, so log lines, metric tags and messages read as before the enum. */
    @Override
    public String toString() {
        return wireName;
    }
}
