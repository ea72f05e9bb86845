package io.sentimentstreams.rollout;

import java.util.Locale;

/**
 * The role a bundle is published with: {@code live} (the meaning of a bundle without a role: it serves its
 * language), {@code shadow} (scored beside the live model, its results only on {@code reviews.shadow}) or
 * {@code canary} (scores and labels a stable share of the ids).
 */
public enum RolloutRole {
    LIVE, SHADOW, CANARY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code s} ({@code live}, {@code shadow}, {@code canary}); null or blank is {@link #LIVE}. */
    public static RolloutRole of(final String s) {
        if (s == null || s.isBlank()) {
            return LIVE;
        }
        for (final RolloutRole r : values()) {
            if (r.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + s + "' (live, shadow or canary)");
    }
}
