package io.sentimentstreams.preprocess.model;

import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.models.Announcement;
import io.sentimentstreams.models.BundleRefusedException;
import io.sentimentstreams.models.BundleVerifier;
import io.sentimentstreams.models.Refusal;
import io.sentimentstreams.models.RefusalReason;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Records of {@code sentiment.models} in (key {@code name@version}, zipped bundle, announced digest), the
 * active model per language out. The shared {@link BundleVerifier} checks each record; what is preprocess's
 * own is which bundle becomes active (per language the newest published, except an older or equal version of
 * a model name already loaded) and turning its vocabulary and pipeline into an encoder. A bundle that fails
 * any check is refused with a log line and a metric, and the previous model keeps serving.
 *
 * <p>Each language has one {@link AtomicReference} to an immutable {@link ActiveModel}, so a stream thread
 * reads one version per record and a swap never mixes the vocabulary of one version with the stamp of
 * another. {@link #offer} is called from one thread (the models topic follower); readers never block.
 */
public final class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    private final BundleVerifier verifier;
    private final PreprocessMetrics metrics;
    private final Map<String, AtomicReference<ActiveModel>> active = new LinkedHashMap<>();
    /** Highest version loaded per model name, so replays and older versions are skipped before unpacking. */
    private final Map<String, Integer> highestLoaded = new HashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Set once the first wait for the initial read timed out, so later records do not wait again. */
    private volatile boolean initialWaitOver;

    public ModelRegistry(final Path cacheDir, final PreprocessMetrics metrics) {
        this.verifier = new BundleVerifier(cacheDir);
        this.metrics = metrics;
        for (final String lang : Lang.NAMES) {
            active.put(lang, new AtomicReference<>());
            metrics.activeVersionGauge(lang, this, r -> r.active(lang).map(m -> (double) m.ref().version())
                    .orElse(0.0));
        }
    }

    /** The model serving {@code lang} right now, if any. */
    public Optional<ActiveModel> active(final String lang) {
        final AtomicReference<ActiveModel> ref = active.get(lang);
        return ref == null ? Optional.empty() : Optional.ofNullable(ref.get());
    }

    /** Language to active model, for health and the {@code /models} endpoint. */
    public Map<String, ActiveModel> snapshot() {
        final Map<String, ActiveModel> out = new LinkedHashMap<>();
        active.forEach((lang, ref) -> {
            final ActiveModel m = ref.get();
            if (m != null) {
                out.put(lang, m);
            }
        });
        return out;
    }

    /** Marks the first full read of the models topic as done, releasing records that wait for it. */
    public void markCaughtUp() {
        caughtUp.countDown();
        LOG.infof("models topic read to its end; active models: %s", inService());
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    /**
     * Waits at most {@code timeout} for the first full read of the models topic; true when it is done. Only
     * the first caller that times out waits: after that every caller returns at once, so a missing models
     * topic delays the stream once, never once per record or per task.
     */
    public boolean awaitInitialLoad(final Duration timeout) throws InterruptedException {
        if (isCaughtUp()) {
            return true;
        }
        if (initialWaitOver) {
            return false;
        }
        final boolean done = caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done && !initialWaitOver) {
            initialWaitOver = true;
            LOG.warnf("the models topic was not read to its end within %s; processing with the models loaded so far "
                    + "(%s)", timeout, snapshot().keySet());
        }
        return done;
    }

    /**
     * Verifies and activates one record of the models topic. Never throws: every failure becomes a
     * {@link LoadOutcome.Status#REFUSED} outcome, logged and counted.
     */
    public synchronized LoadOutcome offer(final String key, final byte[] archive, final String announcedDigest) {
        final LoadOutcome outcome;
        try {
            outcome = load(key, archive, announcedDigest);
        } catch (BundleRefusedException e) {
            final Refusal r = e.refusal();
            LOG.errorf("model %s refused (%s): %s; models in service unchanged: %s", key, r.reason(), r.message(),
                    inService());
            metrics.modelRefused(r.modelTag(), r.reason().name());
            return LoadOutcome.refused(key, r.reason().name(), r.message());
        }
        LOG.infof("model %s", outcome.message());
        return outcome;
    }

    private List<String> inService() {
        return snapshot().values().stream().map(m -> m.lang() + "=" + m.ref()).toList();
    }

    /** Makes {@code model} active for its language, bypassing bundle checks (tests of the stream only). */
    public synchronized void install(final ActiveModel model) {
        active.computeIfAbsent(model.lang(), l -> new AtomicReference<>()).set(model);
        highestLoaded.merge(model.ref().name(), model.ref().version(), Math::max);
    }

    private LoadOutcome load(final String key, final byte[] archive, final String announcedDigest)
            throws BundleRefusedException {
        final Announcement announcement = verifier.announcement(key, archive, announcedDigest);
        if (announcement.tombstone()) {
            return LoadOutcome.tombstone(key);
        }
        final ModelRef keyRef = announcement.ref();
        final Integer highest = highestLoaded.get(keyRef.name());
        if (highest != null && keyRef.version() <= highest) {
            return LoadOutcome.skipped(key, key + " skipped: " + ModelRef.format(keyRef.name(), highest)
                    + " is already loaded");
        }
        final ModelBundle bundle = verifier.verify(announcement);
        try {
            return activate(announcement, bundle);
        } catch (RuntimeException e) {
            throw refused(announcement, RefusalReason.BAD_BUNDLE, e.toString());
        } finally {
            // preprocess never needs the network: once the vocabulary is read, nothing of the bundle stays.
            BundleVerifier.delete(bundle.dir());
        }
    }

    /** The part only preprocess has: the bundle's vocabulary and pipeline become the language's encoder. */
    private LoadOutcome activate(final Announcement announcement, final ModelBundle bundle)
            throws BundleRefusedException {
        final BundleManifest manifest = bundle.manifest();
        final PipelineConfig config = manifest.pipeline();
        final Vocabulary vocabulary;
        try {
            vocabulary = Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY), config.oovToken());
        } catch (IOException | RuntimeException e) {
            throw refused(announcement, RefusalReason.BAD_VOCABULARY, "cannot read " + BundleManifest.VOCABULARY
                    + ": " + e.getMessage());
        }
        final TextPipeline pipeline;
        try {
            pipeline = TextPipeline.of(config, vocabulary);
        } catch (RuntimeException | LinkageError e) {
            throw refused(announcement, RefusalReason.BAD_PIPELINE, "pipeline config rejected: " + e);
        }
        final String lang = manifest.lang().wireName();
        final ActiveModel model = new ActiveModel(manifest.ref(), lang, bundle.digest(), Instant.now(),
                pipeline::encode);
        final ActiveModel previous = active.get(lang).getAndSet(model);
        highestLoaded.merge(model.ref().name(), model.ref().version(), Math::max);
        metrics.modelLoaded(lang, model.ref());
        return LoadOutcome.loaded(announcement.key(), model.ref() + " active for " + lang + " (vocabulary "
                + vocabulary.size() + " words, tokenizer " + pipeline.config().tokenizer() + ", maxlen "
                + pipeline.config().maxlen() + ", digest " + bundle.digest()
                + (previous == null ? "" : ", replaces " + previous.ref()) + ")");
    }

    private static BundleRefusedException refused(final Announcement a, final RefusalReason reason,
                                                  final String message) {
        return new BundleRefusedException(new Refusal(a.key(), a.ref(), reason, message));
    }
}
