package io.sentimentstreams.model;

import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.model.dl4j.Dl4jModel;
import io.sentimentstreams.model.fast.FastBiLstm;
import io.sentimentstreams.model.fast.UnsupportedArchitectureException;
import io.sentimentstreams.model.fast.VectorSupport;
import java.io.IOException;
import java.util.logging.Logger;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Turns a verified {@link ModelBundle} and an {@link EngineChoice} into a serving {@link LoadedModel}:
 * the DL4J network is always restored (it is the reference), and the fast engine replaces it only when
 * it supports the architecture and agrees with DL4J on a canary batch within {@link Canary#TOLERANCE}.
 */
public final class Engines {

    private static final Logger LOG = Logger.getLogger(Engines.class.getName());

    private Engines() {
    }

    /** Loads with canary rows drawn from the bundle's vocabulary ({@link Canary#inputs(ModelBundle, int)}). */
    public static LoadedModel load(final ModelBundle bundle, final EngineChoice choice) throws BundleException {
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
     * Loads with caller-supplied canary rows (for example real encoded reviews a service has seen); each row
     * must be {@code maxlen} ids long.
     */
    public static LoadedModel load(final ModelBundle bundle, final EngineChoice choice, final int[][] canaryIds)
            throws BundleException {
        final BundleManifest manifest = bundle.manifest();
        final Dl4jModel reference = Dl4jModel.load(bundle);
        final LoadedModel loaded = choose(manifest, reference.network(), reference, choice, canaryIds);
        LOG.info(() -> "model " + manifest.ref() + " serves on engine " + loaded.engine() + " (canary "
                + loaded.canary().tag() + ": " + loaded.canary().reason() + ")");
        return loaded;
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
        LOG.warning(() -> "fast engine refused for " + manifest.ref() + ": " + canary.reason());
        return new LoadedModel(manifest.ref(), reference, "dl4j", canary);
    }
}
