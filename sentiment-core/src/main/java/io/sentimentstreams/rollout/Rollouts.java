package io.sentimentstreams.rollout;

import io.sentimentstreams.contracts.ModelRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The records of {@code sentiment.models} in offset order in (bundles with their language and role, rollout
 * records, tombstones), the {@link Rollout} of every language out. Every reader of the topic that routes by
 * role folds it with this one class (preprocess-service and the CLI), so they agree on what serves. Not
 * thread-safe: the caller folds on one thread or synchronizes.
 *
 * <p>A bundle without a role keeps its old meaning: it becomes live for its language unless a version of the
 * same name at least as new is live already. A shadow or canary bundle becomes the language's candidate. A
 * rollout record replaces the language's state. A tombstone drops the version from every place it holds; when
 * it was live, the previous live version serves, or else the newest live-published version of the language left.
 */
public final class Rollouts {

    private final Map<String, Rollout> byLang = new HashMap<>();
    /** Non-retired bundles published live, in the order they were read (for a successor after a retirement). */
    private final Map<ModelRef, String> livePublished = new LinkedHashMap<>();
    /** Every non-retired bundle read, whatever its role. */
    private final java.util.Set<ModelRef> known = new java.util.HashSet<>();

    /** A bundle record; returns the language's rollout after it. */
    public Rollout bundle(final ModelRef ref, final String lang, final RolloutRole role, final int percent) {
        known.add(ref);
        final Rollout now = of(lang);
        final Rollout next;
        if (role == null || role == RolloutRole.LIVE) {
            livePublished.remove(ref);
            livePublished.put(ref, lang);
            final ModelRef live = now.live();
            final boolean older = live != null && live.name().equals(ref.name()) && ref.version() <= live.version();
            next = older ? now : now.withLive(ref);
        } else {
            next = now.withCandidate(ref, role, percent);
        }
        byLang.put(lang, next);
        return next;
    }

    /**
     * A rollout record: its state replaces the language's, less any version not read before it or retired since
     * (compaction removes a retired bundle and its tombstone, never the rollout record that named it): an unknown
     * live version gives way to the previous one, or the newest live-published one.
     */
    public Rollout record(final Rollout r) {
        final ModelRef candidate = known.contains(r.candidate()) ? r.candidate() : null;
        final ModelRef previous = known.contains(r.previous()) ? r.previous() : null;
        ModelRef live = r.live();
        ModelRef prev = previous;
        if (live != null && !known.contains(live)) {
            live = previous != null ? previous : successor(r.lang(), live).orElse(null);
            prev = null;
        }
        final Rollout next = new Rollout(r.lang(), live, candidate, candidate == null ? null : r.role(),
                r.percent(), prev);
        byLang.put(r.lang(), next);
        return next;
    }

    /** A tombstone of {@code ref}; returns the languages whose rollout changed, with the new state. */
    public List<Rollout> retire(final ModelRef ref) {
        livePublished.remove(ref);
        known.remove(ref);
        final List<Rollout> changed = new ArrayList<>();
        for (final Rollout r : List.copyOf(byLang.values())) {
            if (!r.uses(ref)) {
                continue;
            }
            final ModelRef candidate = ref.equals(r.candidate()) ? null : r.candidate();
            final ModelRef previous = ref.equals(r.previous()) ? null : r.previous();
            ModelRef live = r.live();
            ModelRef prev = previous;
            if (ref.equals(live)) {
                live = previous != null ? previous : successor(r.lang(), ref).orElse(null);
                prev = null;
            }
            final Rollout next = new Rollout(r.lang(), live, candidate, candidate == null ? null : r.role(),
                    r.percent(), prev);
            byLang.put(r.lang(), next);
            changed.add(next);
        }
        return changed;
    }

    public Rollout of(final String lang) {
        return byLang.getOrDefault(lang, Rollout.empty(lang));
    }

    public Map<String, Rollout> all() {
        return Map.copyOf(byLang);
    }

    /** The newest version of the retired one's name published live, else the language's latest live-published. */
    private Optional<ModelRef> successor(final String lang, final ModelRef retired) {
        final List<ModelRef> ofLang = livePublished.entrySet().stream().filter(e -> e.getValue().equals(lang))
                .map(Map.Entry::getKey).toList();
        final Optional<ModelRef> sameName = ofLang.stream().filter(r -> r.name().equals(retired.name()))
                .max(Comparator.comparingInt(ModelRef::version));
        return sameName.isPresent() ? sameName : ofLang.isEmpty() ? Optional.empty()
                : Optional.of(ofLang.get(ofLang.size() - 1));
    }
}
