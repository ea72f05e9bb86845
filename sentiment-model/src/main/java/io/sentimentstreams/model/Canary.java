package io.sentimentstreams.model;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The load-time agreement check: scores the same padded id rows with the DL4J reference and a candidate
 * engine and turns the largest probability difference into a {@link CanaryResult}.
 */
public final class Canary {

    /** Largest |P_fast - P_dl4j| a model may show and still be served by the fast engine. */
    public static final double TOLERANCE = 1e-4;

    /** Canary reviews per load when the caller supplies none. */
    public static final int DEFAULT_REVIEWS = 256;

    private static final long SEED = 20_260_101L;

    /** Generated rows 0-4 are the edge cases {@link #withReal} keeps. */
    private static final int EDGE_ROWS = 5;

    private Canary() {
    }

    /** Runs both engines over {@code ids} (in batches of 64, as a service would) and compares. */
    public static CanaryResult compare(final SentimentModel reference, final SentimentModel candidate,
            final int[][] ids, final double tolerance) {
        return compare(score(reference, ids), candidate, ids, tolerance, "dl4j");
    }

    /**
     * Compares {@code candidate} with reference probabilities computed earlier ({@code against} names their
     * source in the reason, e.g. the bundle's stored canary).
     */
    public static CanaryResult compare(final float[] expected, final SentimentModel candidate, final int[][] ids,
            final double tolerance, final String against) {
        final float[] got = score(candidate, ids);
        double worst = 0;
        int worstRow = -1;
        for (int i = 0; i < ids.length; i++) {
            // NaN on either side counts as a disagreement unless both are NaN (e.g. an empty review
            // under mean pooling, where DL4J divides by a zero count).
            final double d = Float.isNaN(expected[i]) && Float.isNaN(got[i]) ? 0
                    : Float.isNaN(expected[i]) || Float.isNaN(got[i]) ? Double.POSITIVE_INFINITY
                    : Math.abs((double) expected[i] - got[i]);
            if (d > worst || worstRow < 0) {
                worst = Math.max(worst, d);
                worstRow = i;
            }
        }
        if (worst <= tolerance) {
            return new CanaryResult(CanaryResult.Status.PASSED, ids.length, worst, tolerance,
                    "fast engine agrees with " + against + " on " + ids.length + " reviews: max |dp| = "
                            + String.format(java.util.Locale.ROOT, "%.3g", worst));
        }
        return new CanaryResult(CanaryResult.Status.FAILED, ids.length, worst, tolerance,
                "fast engine disagrees with " + against + ": max |dp| = " + worst + " > " + tolerance
                        + " (worst canary row " + worstRow + ")");
    }

    /** Scores {@code ids} in batches of 64. */
    public static float[] score(final SentimentModel model, final int[][] ids) {
        final float[] out = new float[ids.length];
        final int batch = 64;
        for (int from = 0; from < ids.length; from += batch) {
            final int to = Math.min(ids.length, from + batch);
            System.arraycopy(model.score(java.util.Arrays.copyOfRange(ids, from, to)), 0, out, from, to - from);
        }
        return out;
    }

    /**
     * Canary rows for a bundle: token ids drawn from the bundle's own vocabulary by training frequency
     * (so common words dominate, as in real reviews), lengths spread over 0..maxlen including the edge
     * cases (empty, one token, full, all out-of-vocabulary), padded as the bundle's pipeline pads.
     */
    public static int[][] inputs(final ModelBundle bundle, final int n) throws IOException {
        final PipelineConfig pipeline = bundle.manifest().pipeline().withDefaults();
        return inputs(Vocabulary.readTsv(bundle.file(io.sentimentstreams.bundle.BundleManifest.VOCABULARY),
                pipeline.oovToken()), pipeline, bundle.manifest().architecture(), n);
    }

    /** {@link #inputs(ModelBundle, int)} for a vocabulary in memory (the trainer's, before a bundle exists). */
    public static int[][] inputs(final Vocabulary vocab, final PipelineConfig pipeline, final Architecture arch,
            final int n) {
        final PipelineConfig p = pipeline.withDefaults();
        final int rows = Math.min(arch.vocabSize(), vocab.maxIndex() + 1);
        final long[] counts = new long[Math.max(rows, 2)];
        final List<String> words = vocab.wordsByIndex();
        for (int i = 2; i < rows && i < words.size(); i++) {
            final String w = words.get(i);
            counts[i] = w == null ? 0 : Math.max(1, vocab.countOf(w));
        }
        return inputs(counts, arch.maxlen(), p.postPadding(), n, SEED);
    }

    /**
     * Canary rows that keep the generated edge cases (rows 0-4: empty, one token, one OOV token, full
     * length, all OOV) and fill the rest with {@code real} encoded reviews as far as there are any.
     */
    public static int[][] withReal(final int[][] generated, final int[][] real) {
        final int[][] out = generated.clone();
        for (int i = EDGE_ROWS, k = 0; i < out.length && k < real.length; i++, k++) {
            out[i] = real[k].clone();
        }
        return out;
    }

    /**
     * Rows of {@code maxlen} ids drawn with probability proportional to {@code counts[id]} (ids 0 and 1,
     * padding and OOV, get their own treatment), with about 3% OOV tokens.
     */
    public static int[][] inputs(final long[] counts, final int maxlen, final boolean postPadding, final int n,
            final long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final long[] cumulative = new long[counts.length];
        long total = 0;
        for (int i = 2; i < counts.length; i++) {
            total += Math.max(0, counts[i]);
            cumulative[i] = total;
        }
        final int[][] ids = new int[n][maxlen];
        for (int row = 0; row < n; row++) {
            final int len = switch (row) {
                case 0 -> 0;
                case 1, 2 -> 1;
                case 3, 4 -> maxlen;
                default -> row % 4 == 0 ? maxlen : 1 + r.nextInt(maxlen);
            };
            final boolean allOov = row == 2 || row == 4 || total == 0;
            for (int k = 0; k < len; k++) {
                final int id;
                if (allOov || r.nextInt(100) < 3) {
                    id = 1;
                } else {
                    final long pick = r.nextLong(total);
                    int lo = 2;
                    int hi = counts.length - 1;
                    while (lo < hi) {
                        final int mid = (lo + hi) >>> 1;
                        if (cumulative[mid] > pick) {
                            hi = mid;
                        } else {
                            lo = mid + 1;
                        }
                    }
                    id = lo;
                }
                ids[row][postPadding ? k : maxlen - len + k] = id;
            }
        }
        return ids;
    }
}
