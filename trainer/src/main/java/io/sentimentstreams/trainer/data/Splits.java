package io.sentimentstreams.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Deterministic shuffling, the validation split (always carved from the training rows, never from the
 * test set) and data-quality counts: duplicate texts inside a corpus, duplicates with conflicting labels,
 * and texts shared by the training and test corpora.
 */
public final class Splits {

    /** Training and validation rows after a seeded shuffle. */
    public record Split(List<LabeledText> train, List<LabeledText> validation) {
    }

    /** Duplicate texts within one corpus, and how many of those carry different labels. */
    public record Duplicates(int duplicateRows, int conflictingLabels) {
    }

    private Splits() {
    }

    /** A copy of {@code rows} shuffled with {@code new Random(seed)}: same seed, same order, any JVM. */
    public static <T> List<T> shuffled(final List<T> rows, final long seed) {
        final List<T> copy = new ArrayList<>(rows);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }

    /**
     * The rows a training run uses: a seeded sample of {@code limit} rows when {@code limit} is positive and
     * smaller than the corpus, then {@link #split}. {@code train} and {@code vectors} both call this, so the
     * vectors are fitted on exactly the rows the run trains on.
     */
    public static Split forRun(final List<LabeledText> rows, final int limit, final double fraction,
                               final long seed) {
        final List<LabeledText> used = limit > 0 && limit < rows.size()
                ? shuffled(rows, seed ^ 0x5eed).subList(0, limit) : rows;
        return split(used, fraction, seed);
    }

    /**
     * Shuffles with {@code seed} and puts the last {@code fraction} of rows into validation (at least one
     * row on each side when there are two or more rows and the fraction is positive).
     */
    public static Split split(final List<LabeledText> rows, final double fraction, final long seed) {
        if (fraction < 0 || fraction >= 1) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1): " + fraction);
        }
        final List<LabeledText> s = shuffled(rows, seed);
        int nVal = (int) Math.round(s.size() * fraction);
        if (fraction > 0 && s.size() >= 2) {
            nVal = Math.max(1, Math.min(s.size() - 1, nVal));
        }
        return new Split(List.copyOf(s.subList(0, s.size() - nVal)), List.copyOf(s.subList(s.size() - nVal,
                s.size())));
    }

    public static Duplicates duplicates(final List<LabeledText> rows) {
        final Map<String, Integer> labelOf = new HashMap<>();
        final Set<String> conflicted = new HashSet<>();
        int dup = 0;
        for (final LabeledText r : rows) {
            final Integer prev = labelOf.putIfAbsent(r.text(), r.label());
            if (prev != null) {
                dup++;
                if (prev != r.label()) {
                    conflicted.add(r.text());
                }
            }
        }
        return new Duplicates(dup, conflicted.size());
    }

    /** How many test rows have a text that also occurs in the training rows. */
    public static int overlap(final List<LabeledText> train, final List<LabeledText> test) {
        final Set<String> seen = new HashSet<>();
        for (final LabeledText r : train) {
            seen.add(r.text());
        }
        int n = 0;
        for (final LabeledText r : test) {
            if (seen.contains(r.text())) {
                n++;
            }
        }
        return n;
    }
}
