package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.BundleWriter;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.model.Canary;
import io.sentimentstreams.model.CanaryFile;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.model.dl4j.Dl4jModel;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Writes a bundle's {@value BundleManifest#CANARY}: {@value Canary#DEFAULT_REVIEWS} canary rows (the
 * generated edge cases, then real encoded reviews when there are any) with the probabilities the DL4J
 * network gives them, so services can accept the fast engine without loading DL4J.
 */
public final class StoredCanary {

    private StoredCanary() {
    }

    /** Adds the file to a bundle being written; skipped when the bundle has no {@code model.onnx}. */
    public static void add(final BundleWriter writer, final BundleManifest manifest, final Vocabulary vocab,
            final SentimentModel dl4j, final int[][] real, final String source) throws IOException {
        if (!writer.files().containsKey(BundleManifest.ONNX)) {
            return;
        }
        final int[][] rows = Canary.withReal(Canary.inputs(vocab, manifest.pipeline(), manifest.architecture(),
                Canary.DEFAULT_REVIEWS), real == null ? new int[0][] : real);
        final CanaryFile file = new CanaryFile(rows, Canary.score(dl4j, rows));
        final boolean post = manifest.pipeline().postPadding();
        writer.file(BundleManifest.CANARY, p -> file.write(p, source, post));
    }

    /**
     * Rewrites an existing bundle in place with a (new) canary file computed by its own DL4J network; every
     * other file is copied unchanged and {@code bundle.json} gets the new file list.
     */
    public static ModelBundle refresh(final ModelBundle bundle, final int[][] real, final String source)
            throws IOException, BundleException {
        final BundleManifest m = bundle.manifest();
        if (m.files() == null || !m.files().containsKey(BundleManifest.ONNX)) {
            throw new BundleException(BundleException.Kind.MISSING_FILE, "bundle " + m.ref()
                    + " has no model.onnx, so a stored canary would not be used (the fast engine reads its weights"
                    + " from it)");
        }
        final Vocabulary vocab = Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY),
                m.pipeline().withDefaults().oovToken());
        final BundleWriter writer = BundleWriter.create(bundle.dir(), true);
        try (Dl4jModel dl4j = Dl4jModel.load(bundle)) {
            for (final String name : m.files().keySet()) {
                if (!name.equals(BundleManifest.CANARY)) {
                    writer.file(name, p -> Files.copy(bundle.file(name), p));
                }
            }
            add(writer, m, vocab, dl4j, real, source);
            return writer.finish(m);
        } catch (IOException | BundleException | RuntimeException e) {
            writer.abandon();
            throw e;
        }
    }
}
