package io.sentimentstreams.model;

import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.model.dl4j.Dl4jModel;
import io.sentimentstreams.model.fast.FastBiLstm;
import io.sentimentstreams.model.fast.FastRnnStack;
import io.sentimentstreams.model.fast.UnsupportedArchitectureException;
import io.sentimentstreams.model.fast.VectorSupport;
import java.io.IOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.jboss.logging.Logger;

/**
 * Turns a verified {@link ModelBundle} and an {@link EngineChoice} into a serving {@link LoadedModel}.
 * The fast engine serves only when it agrees with DL4J on canary rows within {@link Canary#TOLERANCE}.
 * When the bundle carries {@value BundleManifest#CANARY} (DL4J's probabilities, computed when the bundle
 * was made) and {@value BundleManifest#ONNX}, the fast engine is built from the ONNX weights and checked
 * against those stored probabilities, and DL4J is never loaded: ND4J's native buffers would otherwise be
 * most of the JVM's resident memory. Otherwise, or when that check fails, the DL4J network is restored
 * and both engines score the canary rows live, as before.
 */
public final class Engines {

    private static final Logger LOG = Logger.getLogger(Engines.class);

    private Engines() {
    }

    /**
     * Loads against the bundle's stored canary when it has one (no DL4J in this JVM), else with canary rows
     * drawn from the bundle's vocabulary ({@link Canary#inputs(ModelBundle, int)}) scored by both engines.
     */
    public static LoadedModel load(final ModelBundle bundle, final EngineChoice choice) throws BundleException {
        if (bundle.manifest().architecture().imported()) {
            return imported(bundle, choice);
        }
        if (choice != EngineChoice.DL4J) {
            final LoadedModel stored = fromStoredCanary(bundle);
            if (stored != null) {
                LOG.infof("model %s serves on engine fast without DL4J (canary %s: %s)", bundle.manifest().ref(),
                        stored.canary().tag(), stored.canary().reason());
                return stored;
            }
        }
        final int[][] canary;
        if (choice == EngineChoice.DL4J) {
            canary = new int[0][];
        } else {
            try {
                canary = Canary.inputs(bundle, Canary.DEFAULT_REVIEWS);
            } catch (IOException | RuntimeException e) {
                throw new BundleException(BundleException.Kind.MISSING_FILE,
                        "bundle " + bundle.manifest().ref() + ": cannot read vocabulary for the canary: " + e, e);
            }
        }
        return load(bundle, choice, canary);
    }

    /**
     * The fast engine from {@code model.onnx}, checked against {@code canary.tsv}; null (and the reason
     * logged) when the bundle lacks either file, the JVM lacks the Vector API, or the check fails, so the
     * caller falls back to the DL4J path.
     */
    private static LoadedModel fromStoredCanary(final ModelBundle bundle) {
        final BundleManifest m = bundle.manifest();
        if (m.files() == null || !m.files().containsKey(BundleManifest.CANARY)
                || !m.files().containsKey(BundleManifest.ONNX) || !VectorSupport.available()) {
            return null;
        }
        final CanaryFile stored;
        final FastBiLstm fast;
        try {
            stored = CanaryFile.read(bundle.file(BundleManifest.CANARY), m.architecture().maxlen(),
                    m.pipeline().postPadding());
            fast = FastBiLstm.fromOnnx(java.nio.file.Files.readAllBytes(bundle.file(BundleManifest.ONNX)),
                    m.architecture());
        } catch (IOException | UnsupportedArchitectureException | RuntimeException e) {
            LOG.warnf("model %s: cannot use the stored canary (%s); loading DL4J to check the fast engine live",
                    m.ref(), e.getMessage());
            return null;
        }
        final CanaryResult result = Canary.compare(stored.probabilities(), fast, stored.ids(), Canary.TOLERANCE,
                "the DL4J probabilities stored in " + BundleManifest.CANARY);
        if (!result.fastAccepted() || stored.ids().length == 0) {
            fast.close();
            LOG.warnf("model %s: %s; loading DL4J to check the fast engine live", m.ref(), result.reason());
            return null;
        }
        return new LoadedModel(m.ref(), fast, "fast", result);
    }

    /**
     * Loads with caller-supplied canary rows (for example real encoded reviews a service has seen); each row
     * must be {@code maxlen} ids long.
     */
    public static LoadedModel load(final ModelBundle bundle, final EngineChoice choice, final int[][] canaryIds)
            throws BundleException {
        if (bundle.manifest().architecture().imported()) {
            return imported(bundle, choice);
        }
        final BundleManifest manifest = bundle.manifest();
        final Dl4jModel reference = Dl4jModel.load(bundle);
        final LoadedModel loaded = choose(manifest, reference.network(), reference, choice, canaryIds);
        LOG.infof("model %s serves on engine %s (canary %s: %s)", manifest.ref(), loaded.engine(),
                loaded.canary().tag(), loaded.canary().reason());
        return loaded;
    }

    /**
     * An imported bundle ({@code ./sentiment import}): there is no DL4J network, so the fast engine serves
     * whatever was asked for, built from {@code model.onnx} ({@link FastRnnStack}) and checked against the
     * ONNX Runtime probabilities the importer stored in {@code canary.tsv}; when it cannot be built or
     * disagrees, the bundle cannot be served at all and loading throws.
     */
    private static LoadedModel imported(final ModelBundle bundle, final EngineChoice choice) throws BundleException {
        final BundleManifest m = bundle.manifest();
        final CanaryFile stored;
        try {
            stored = CanaryFile.read(bundle.file(BundleManifest.CANARY), m.architecture().maxlen(),
                    m.pipeline().postPadding());
        } catch (IOException e) {
            throw new BundleException(BundleException.Kind.MISSING_FILE, "imported bundle " + m.ref()
                    + ": cannot read " + BundleManifest.CANARY + ": " + e.getMessage(), e);
        }
        final FastRnnStack fast;
        try {
            fast = FastRnnStack.fromOnnx(java.nio.file.Files.readAllBytes(bundle.file(BundleManifest.ONNX)),
                    m.architecture());
        } catch (IOException e) {
            throw new BundleException(BundleException.Kind.MISSING_FILE, "imported bundle " + m.ref()
                    + ": cannot read " + BundleManifest.ONNX + ": " + e.getMessage(), e);
        } catch (UnsupportedArchitectureException e) {
            throw new BundleException(BundleException.Kind.SHAPE_MISMATCH, "imported bundle " + m.ref()
                    + " cannot be served (it has no DL4J network to fall back to): " + e.getMessage(), e);
        }
        final CanaryResult result = Canary.compare(stored.probabilities(), fast, stored.ids(), Canary.TOLERANCE,
                "the ONNX Runtime probabilities stored in " + BundleManifest.CANARY);
        if (!result.fastAccepted() || stored.ids().length == 0) {
            fast.close();
            throw new BundleException(BundleException.Kind.CANARY_FAILED, "imported bundle " + m.ref()
                    + " refused: " + (stored.ids().length == 0 ? BundleManifest.CANARY + " has no rows" : result.reason()));
        }
        final CanaryResult served = choice == EngineChoice.DL4J ? new CanaryResult(result.status(), result.reviews(),
                result.maxAbsDiff(), result.tolerance(), result.reason() + " (dl4j was asked for, but an imported"
                        + " bundle has no DL4J network)") : result;
        LOG.infof("imported model %s serves on engine fast (canary %s: %s)", m.ref(), served.tag(), served.reason());
        return new LoadedModel(m.ref(), fast, "fast", served);
    }

    /** Whether the fast engine can use {@code jdk.incubator.vector} in this JVM. */
    public static boolean vectorApiAvailable() {
        return VectorSupport.available();
    }

    private static LoadedModel choose(final BundleManifest manifest, final MultiLayerNetwork net,
            final SentimentModel reference, final EngineChoice choice, final int[][] canaryIds) {
        if (choice == EngineChoice.DL4J) {
            return new LoadedModel(manifest.ref(), reference, "dl4j", CanaryResult.notRun("dl4j requested"));
        }
        if (!VectorSupport.available()) {
            return new LoadedModel(manifest.ref(), reference, "dl4j", new CanaryResult(
                    CanaryResult.Status.UNAVAILABLE, 0, Double.NaN, Canary.TOLERANCE,
                    "jdk.incubator.vector is not in this JVM (start it with --add-modules jdk.incubator.vector)"));
        }
        final FastBiLstm fast;
        try {
            fast = FastBiLstm.create(net, manifest.architecture());
        } catch (UnsupportedArchitectureException e) {
            return new LoadedModel(manifest.ref(), reference, "dl4j", new CanaryResult(
                    CanaryResult.Status.UNSUPPORTED, 0, Double.NaN, Canary.TOLERANCE, e.getMessage()));
        }
        final CanaryResult canary = Canary.compare(reference, fast, canaryIds, Canary.TOLERANCE);
        if (canary.fastAccepted()) {
            reference.close();
            return new LoadedModel(manifest.ref(), fast, "fast", canary);
        }
        fast.close();
        LOG.warnf("fast engine refused for %s: %s", manifest.ref(), canary.reason());
        return new LoadedModel(manifest.ref(), reference, "dl4j", canary);
    }
}
