package io.sentimentstreams.json;

import java.util.ArrayList;
import java.util.List;

/**
 * An enum constant of the JSON formats with its wire name (the string bundles and topics carry); {@link #parse}
 * maps a name back to its constant or throws {@link UnknownNameException} naming the value and the allowed ones.
 */
public interface WireName {

    /** The string this constant is written as (its {@code @JsonValue}). */
    String wireName();

    /** The constant of {@code type} whose wire name is exactly {@code name}. */
    static <E extends Enum<E> & WireName> E parse(final Class<E> type, final String what, final String name) {
        for (final E e : type.getEnumConstants()) {
            if (e.wireName().equals(name)) {
                return e;
            }
        }
        throw new UnknownNameException(type, what, name, names(type));
    }

    /** The wire names of {@code type} in declaration order. */
    static <E extends Enum<E> & WireName> List<String> names(final Class<E> type) {
        final List<String> out = new ArrayList<>();
        for (final E e : type.getEnumConstants()) {
            out.add(e.wireName());
        }
        return List.copyOf(out);
    }
}
