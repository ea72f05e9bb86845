package io.sentimentstreams.text;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.sentimentstreams.json.WireName;

/**
 * Where Keras {@code pad_sequences} pads or truncates a row: its wire name ({@code pre}, {@code post}) in, the
 * constant out.
 */
public enum PadSide implements WireName {
    /** At the front: padding before the tokens, truncation keeps the last {@code maxlen} (Keras' default). */
    PRE("pre"),
    /** At the back: padding after the tokens, truncation keeps the first {@code maxlen}. */
    POST("post");

    private final String wireName;

    PadSide(final String wireName) {
        this.wireName = wireName;
    }

    /** The constant named exactly {@code name}; otherwise an error naming the value and the allowed ones. */
    @JsonCreator
    public static PadSide of(final String name) {
        return WireName.parse(PadSide.class, "padding side", name);
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
