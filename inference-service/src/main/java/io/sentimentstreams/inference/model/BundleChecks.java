package io.sentimentstreams.inference.model;

import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.model.SentimentModel;

/**
 * A verified bundle and the engine loaded from it in; a refusal (SHAPE_MISMATCH) out unless the engine
 * scores rows of exactly the manifest's shape, including the largest id, to probabilities. (The manifest's
 * own shape checks are {@link io.sentimentstreams.models.BundleVerifier}'s.)
 */
public final class BundleChecks {

    private BundleChecks() {
    }

    /**
     * Scores a full row of the OOV id and a full row of the largest id; the engine must accept both and
     * return probabilities. (Full rows: an all-padding row may legitimately give NaN under mean pooling.)
     */
    public static void probe(final ModelBundle bundle, final SentimentModel engine) throws BundleException {
        final BundleManifest m = bundle.manifest();
        final int maxlen = m.pipeline().maxlen();
        final int[][] rows = new int[2][maxlen];
        java.util.Arrays.fill(rows[0], 1);
        java.util.Arrays.fill(rows[1], m.architecture().vocabSize() - 1);
        final float[] scores;
        try {
            scores = engine.score(rows);
        } catch (RuntimeException e) {
            throw shape(m, "engine " + engine.engine() + " cannot score a " + maxlen + "-step row: " + e);
        }
        if (scores == null || scores.length != rows.length) {
            throw shape(m, "engine " + engine.engine() + " returned " + (scores == null ? "null" : scores.length)
                    + " scores for " + rows.length + " rows");
        }
        for (final float s : scores) {
            if (!(s >= 0f && s <= 1f)) {
                throw shape(m, "engine " + engine.engine() + " returned a non-probability " + s);
            }
        }
    }

    private static BundleException shape(final BundleManifest m, final String why) {
        return new BundleException(BundleException.Kind.SHAPE_MISMATCH, "bundle " + m.ref() + " refused: " + why);
    }
}
