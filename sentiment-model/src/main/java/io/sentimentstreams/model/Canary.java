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

    private Canary() {
    }

    /** Runs both engines over {@code ids} (in batches of 64, as a service would) and compares. */
    public static CanaryResult compare(final SentimentModel reference, final SentimentModel candidate,
            final int[][] ids, final double tolerance) {
        double worst = 0;
        int worstRow = -1;
        final int batch = 64;
        for (int from = 0; from < ids.length; from += batch) {
            final int to = Math.min(ids.length, from + batch);
            final int[][] slice = java.util.Arrays.copyOfRange(ids, from, to);
            final float[] ref = reference.score(slice);
            final float[] got = candidate.score(slice);
            for (int i = 0; i < slice.length; i++) {
                // NaN on either side counts as a disagreement unless both are NaN (e.g. an empty review
                // under mean pooling, where DL4J divides by a zero count).
                final double d = Float.isNaN(ref[i]) && Float.isNaN(got[i]) ? 0
                        : Float.isNaN(ref[i]) || Float.isNaN(got[i]) ? Double.POSITIVE_INFINITY
                        : Math.abs((double) ref[i] - got[i]);
                if (d > worst || worstRow < 0) {
                    worst = Math.max(worst, d);
                    worstRow = from + i;
                }
            }
        }
        if (worst <= tolerance) {
            return new CanaryResult(CanaryResult.Status.PASSED, ids.length, worst, tolerance,
                    "fast engine agrees with dl4j on " + ids.length + " reviews: max |dp| = "
                            + String.format(java.util.Locale.ROOT, "%.3g", worst));
        }
        return new CanaryResult(CanaryResult.Status.FAILED, ids.length, worst, tolerance,
                "fast engine disagrees with dl4j: max |dp| = " + worst + " > " + tolerance
                        + " (worst canary row " + worstRow + ")");
    }

    /**
     * Canary rows for a bundle: token ids drawn from the bundle's own vocabulary by training frequency
     * (so common words dominate, as in real reviews), lengths spread over 0..maxlen including the edge
     * cases (empty, one token, full, all out-of-vocabulary), padded as the bundle's pipeline pads.
     */
    public static int[][] inputs(final ModelBundle bundle, final int n) throws IOException {
        final PipelineConfig pipeline = bundle.manifest().pipeline().withDefaults();
        final Architecture arch = bundle.manifest().architecture();
        final Vocabulary vocab = Vocabulary.readTsv(bundle.file(io.sentimentstreams.bundle.BundleManifest.VOCABULARY),
                pipeline.oovToken());
        final int rows = Math.min(arch.vocabSize(), vocab.maxIndex() + 1);
        final long[] counts = new long[Math.max(rows, 2)];
        final List<String> words = vocab.wordsByIndex();
        for (int i = 2; i < rows && i < words.size(); i++) {
            final String w = words.get(i);
            counts[i] = w == null ? 0 : Math.max(1, vocab.countOf(w));
        }
        return inputs(counts, arch.maxlen(), "post".equals(pipeline.padding()), n, SEED);
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
