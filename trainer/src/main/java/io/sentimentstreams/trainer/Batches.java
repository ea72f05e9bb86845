package io.sentimentstreams.trainer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Row indices of one epoch grouped into batches: shuffled with the epoch's seed, then (when bucketing)
 * sorted by length inside windows of {@link #WINDOW_BATCHES} batches so that each batch holds reviews of
 * similar length and needs few padded steps, then the batch order shuffled again.
 */
public final class Batches {

    /** Batches per sorting window: large enough to group lengths, small enough to keep batches random. */
    static final int WINDOW_BATCHES = 32;

    private Batches() {
    }

    public static List<int[]> epoch(final int[] lengths, final int batchSize, final boolean bucketing,
                                    final long seed) {
        final Random rnd = new Random(seed);
        final List<Integer> order = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            order.add(i);
        }
        Collections.shuffle(order, rnd);
        if (bucketing) {
            final int window = batchSize * WINDOW_BATCHES;
            for (int from = 0; from < order.size(); from += window) {
                order.subList(from, Math.min(order.size(), from + window))
                        .sort(Comparator.comparingInt(i -> lengths[i]));
            }
        }
        final List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < order.size(); from += batchSize) {
            final List<Integer> b = order.subList(from, Math.min(order.size(), from + batchSize));
            batches.add(b.stream().mapToInt(Integer::intValue).toArray());
        }
        if (bucketing) {
            Collections.shuffle(batches, rnd);
        }
        return batches;
    }

    /** The rows of {@code ids} at {@code idx}. */
    public static int[][] rows(final int[][] ids, final int[] idx) {
        final int[][] out = new int[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = ids[idx[i]];
        }
        return out;
    }

    /** Sequential (unshuffled) batches of at most {@code batchSize} for scoring. */
    public static List<int[]> sequential(final int n, final int batchSize) {
        final List<int[]> out = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            final int to = Math.min(n, from + batchSize);
            final int[] b = new int[to - from];
            for (int k = 0; k < b.length; k++) {
                b[k] = from + k;
            }
            out.add(b);
        }
        return out;
    }
}
