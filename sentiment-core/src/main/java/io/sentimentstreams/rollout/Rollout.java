package io.sentimentstreams.rollout;

import io.sentimentstreams.contracts.ModelRef;

/**
 * Which model versions serve one language: the {@code live} one, an optional {@code candidate} in the role
 * {@link RolloutRole#SHADOW} or {@link RolloutRole#CANARY} (with the {@code percent} of ids it answers), and
 * the {@code previous} live version a rollback returns to. Immutable; the transitions return a new value or
 * throw {@link IllegalStateException} saying why they do not apply.
 */
public record Rollout(String lang, ModelRef live, ModelRef candidate, RolloutRole role, int percent,
                      ModelRef previous) {

    public Rollout {
        if (lang == null || lang.isBlank()) {
            throw new IllegalArgumentException("a rollout needs a language");
        }
        if (candidate == null) {
            role = null;
            percent = 0;
        } else if (role == null || role == RolloutRole.LIVE) {
            throw new IllegalArgumentException("candidate " + candidate + " needs the role shadow or canary");
        }
        if (role == RolloutRole.CANARY && (percent < 0 || percent > 100)) {
            throw new IllegalArgumentException("canary percent must be in [0, 100], got " + percent);
        }
        if (role == RolloutRole.SHADOW) {
            percent = 0;
        }
    }

    public static Rollout empty(final String lang) {
        return new Rollout(lang, null, null, null, 0, null);
    }

    public Rollout withLive(final ModelRef ref) {
        return new Rollout(lang, ref, ref.equals(candidate) ? null : candidate, role, percent,
                live == null || live.equals(ref) ? previous : live);
    }

    public Rollout withCandidate(final ModelRef ref, final RolloutRole r, final int p) {
        return new Rollout(lang, live, ref, r, p, previous);
    }

    /** The candidate becomes live; the live version becomes the one a rollback returns to. */
    public Rollout promote() {
        if (candidate == null) {
            throw new IllegalStateException("no shadow or canary candidate for " + lang + " to promote"
                    + (live == null ? "" : " (live: " + live + ")"));
        }
        return new Rollout(lang, candidate, null, null, 0, live);
    }

    /**
     * The previous live version serves again; the version rolled back from is no candidate either (publish it
     * again with a role, or as a new version, to retry it). A candidate other than the rolled-back one stays.
     */
    public Rollout rollback() {
        if (previous == null) {
            throw new IllegalStateException("no previous live version of " + lang + " to roll back to"
                    + (live == null ? "" : " (live: " + live + ")"));
        }
        final boolean keep = candidate != null && !candidate.equals(live) && !candidate.equals(previous);
        return new Rollout(lang, previous, keep ? candidate : null, keep ? role : null, keep ? percent : 0, null);
    }

    /** Which version encodes and labels review {@code id}: the canary for its share of ids, else the live one. */
    public ModelRef answering(final String id) {
        return routesToCandidate(id) ? candidate : live;
    }

    public boolean routesToCandidate(final String id) {
        return role == RolloutRole.CANARY && CanaryBucket.inCanary(id, percent);
    }

    /** The shadow version scoring every review beside the live one, or null. */
    public ModelRef shadow() {
        return role == RolloutRole.SHADOW ? candidate : null;
    }

    /** Whether {@code ref} is used by this rollout (live, candidate or previous). */
    public boolean uses(final ModelRef ref) {
        return ref.equals(live) || ref.equals(candidate) || ref.equals(previous);
    }

    @Override
    public String toString() {
        return lang + ": live " + live + (candidate == null ? "" : ", " + role.wireName() + " " + candidate
                + (role == RolloutRole.CANARY ? " (" + percent + " %)" : "")) + (previous == null ? ""
                : ", previous " + previous);
    }
}
