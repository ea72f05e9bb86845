package io.sentimentstreams.inference.model;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.text.PipelineConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.stream.Stream;

/**
 * Shape checks a bundle must pass before it serves: the encoder's row length and largest id must fit
 * the network (from the manifest and vocab.tsv), and the loaded engine must score rows of exactly that
 * shape, including the largest id, to finite probabilities.
 */
public final class BundleChecks {

    private BundleChecks() {
    }

    /** Checks the manifest against the vocabulary file; throws SHAPE_MISMATCH with the numbers. */
    public static void checkManifest(final ModelBundle bundle) throws BundleException {
        final BundleManifest m = bundle.manifest();
        final PipelineConfig p = m.pipeline();
        final Architecture a = m.architecture();
        if (p.maxlen() < 1) {
            throw shape(m, "pipeline maxlen " + p.maxlen() + " < 1");
        }
        if (a.maxlen() > 0 && a.maxlen() != p.maxlen()) {
            throw shape(m, "network expects " + a.maxlen() + " time steps, the pipeline pads to " + p.maxlen());
        }
        if (a.vocabSize() < 2) {
            throw shape(m, "network vocabulary size " + a.vocabSize() + " < 2");
        }
        final long words = vocabularyLines(bundle);
        // Keras num_words keeps ids below it; index 0 is padding, so the largest id is the word count.
        final long largestId = p.numWords() > 0 ? Math.min(p.numWords() - 1L, words) : words;
        if (largestId >= a.vocabSize()) {
            throw shape(m, "the encoder can emit id " + largestId + " but the network embeds only "
                    + a.vocabSize() + " ids");
        }
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

    private static long vocabularyLines(final ModelBundle bundle) throws BundleException {
        try (Stream<String> lines = Files.lines(bundle.file(BundleManifest.VOCABULARY))) {
            return lines.filter(l -> !l.isEmpty()).count();
        } catch (IOException | UncheckedIOException e) {
            throw new BundleException(BundleException.Kind.MISSING_FILE,
                    "cannot read " + BundleManifest.VOCABULARY + " of " + bundle.manifest().ref() + ": " + e, e);
        }
    }

    private static BundleException shape(final BundleManifest m, final String why) {
        return new BundleException(BundleException.Kind.SHAPE_MISMATCH, "bundle " + m.ref() + " refused: " + why);
    }
}
