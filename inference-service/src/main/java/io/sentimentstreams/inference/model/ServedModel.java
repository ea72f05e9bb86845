package io.sentimentstreams.inference.model;

import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.model.CanaryResult;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.model.SentimentModel;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * One model version in memory: its engine, the decision threshold and input shape from its manifest,
 * and a lease count so an evicted version is closed only once no worker is scoring with it.
 */
public final class ServedModel {

    private static final Logger LOG = Logger.getLogger(ServedModel.class);
    /** Used when a manifest carries no usable threshold (absent fields read as 0). */
    public static final double DEFAULT_THRESHOLD = 0.5;

    private final ModelRef ref;
    private final String digest;
    private final SentimentModel engine;
    private final String engineName;
    private final CanaryResult canary;
    private final double threshold;
    private final int maxlen;
    private final int vocabSize;
    private final Instant loadedAt;
    private int leases;
    private boolean retired;
    private boolean closed;
    private Runnable afterClose = () -> { };

    ServedModel(final ModelRef ref, final String digest, final BundleManifest manifest, final LoadedModel loaded) {
        this.ref = ref;
        this.digest = digest;
        this.engine = loaded.model();
        this.engineName = loaded.engine();
        this.canary = loaded.canary();
        this.threshold = usableThreshold(manifest.threshold());
        this.maxlen = manifest.pipeline().maxlen();
        this.vocabSize = manifest.architecture().vocabSize();
        this.loadedAt = Instant.now();
    }

    static double usableThreshold(final double declared) {
        return declared > 0.0 && declared < 1.0 ? declared : DEFAULT_THRESHOLD;
    }

    public ModelRef ref() {
        return ref;
    }

    public String digest() {
        return digest;
    }

    public SentimentModel engine() {
        return engine;
    }

    /** {@code fast} or {@code dl4j}: the engine that won the load-time canary. */
    public String engineName() {
        return engineName;
    }

    public CanaryResult canary() {
        return canary;
    }

    public double threshold() {
        return threshold;
    }

    /** Row length every encoded review for this version must have. */
    public int maxlen() {
        return maxlen;
    }

    /** Token ids must lie in {@code [0, vocabSize)}. */
    public int vocabSize() {
        return vocabSize;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** Takes a lease; false when the version was already closed (the caller must look it up again). */
    synchronized boolean acquire() {
        if (closed) {
            return false;
        }
        leases++;
        return true;
    }

    /** Returns a lease taken with {@link #acquire()}. */
    public synchronized void release() {
        leases--;
        closeIfIdle();
    }

    /** Marks the version evicted; it closes now or when its last lease is returned. */
    synchronized void retire() {
        retire(() -> { });
    }

    /** Like {@link #retire()}, then runs {@code afterClose} once the engine is closed (e.g. to delete its files). */
    synchronized void retire(final Runnable then) {
        afterClose = then;
        retired = true;
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (retired && leases <= 0 && !closed) {
            closed = true;
            try {
                engine.close();
            } catch (RuntimeException e) {
                LOG.warnf("closing engine of %s failed: %s", ref, e.toString());
            }
            afterClose.run();
        }
    }
}
