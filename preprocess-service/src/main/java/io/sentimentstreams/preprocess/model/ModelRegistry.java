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
 * <p>A tombstone retires its version. Retiring an older version changes nothing that serves (preprocess keeps
 * no bundle on disk once its vocabulary is read). Retiring the active version of a language stops encoding
 * with it at once (the language has no model, {@code NO_MODEL}, until the rebuild is done) and asks for a
 * replay of the topic: the language's bundles are read again, the retired ones skipped, and the one a fresh
 * start would choose becomes active when the replay has reached the end.
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
    /** Retired versions with the offset of their tombstone (a bundle record after it brings the version back). */
    private final Map<ModelRef, Long> retiredAt = new HashMap<>();
    /** Language of every model name seen, so a rebuild knows which names to read again. */
    private final Map<String, String> langOfName = new HashMap<>();
    /** Languages being rebuilt by a replay, with the model a fresh start would choose so far (null: none yet). */
    private final Map<String, ActiveModel> rebuilding = new HashMap<>();
    private final java.util.concurrent.atomic.AtomicLong unplacedOffsets = new java.util.concurrent.atomic.AtomicLong();
    /** Asks the models topic follower for a replay, calling back when it is done. */
    private java.util.function.Consumer<Runnable> replay = done -> {
        throw new IllegalStateException("no models topic follower to replay");
    };
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

    /** Where a retirement of an active model asks for a replay of the models topic ({@code ModelsTopicFollower#replay}). */
    public synchronized void replayWith(final java.util.function.Consumer<Runnable> replayer) {
        this.replay = replayer;
    }

    /**
     * Verifies and activates one record of the models topic without a topic position (tests): calls are taken
     * as consecutive offsets; do not mix with {@link #offer(String, byte[], String, long)}.
     */
    public LoadOutcome offer(final String key, final byte[] archive, final String announcedDigest) {
        return offer(key, archive, announcedDigest, unplacedOffsets.incrementAndGet());
    }

    /**
     * Verifies and activates one record of the models topic at {@code offset}. Never throws: every failure
     * becomes a {@link LoadOutcome.Status#REFUSED} outcome, logged and counted.
     */
    public synchronized LoadOutcome offer(final String key, final byte[] archive, final String announcedDigest,
                                          final long offset) {
        final LoadOutcome outcome;
        try {
            outcome = load(key, archive, announcedDigest, offset);
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
        langOfName.put(model.ref().name(), model.lang());
        highestLoaded.merge(model.ref().name(), model.ref().version(), Math::max);
    }

    private LoadOutcome load(final String key, final byte[] archive, final String announcedDigest, final long offset)
            throws BundleRefusedException {
        final Announcement announcement = verifier.announcement(key, archive, announcedDigest);
        final ModelRef keyRef = announcement.ref();
        if (announcement.tombstone()) {
            return retire(keyRef, offset);
        }
        final Long retired = retiredAt.get(keyRef);
        if (retired != null && offset < retired) {
            return LoadOutcome.skipped(key, key + " skipped: retired at offset " + retired);
        }
        if (retired != null) {
            retiredAt.remove(keyRef);
        }
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
        langOfName.put(model.ref().name(), lang);
        highestLoaded.merge(model.ref().name(), model.ref().version(), Math::max);
        if (rebuilding.containsKey(lang)) {
            final ActiveModel before = rebuilding.put(lang, model);
            return LoadOutcome.loaded(announcement.key(), model.ref() + " read again for " + lang
                    + (before == null ? "" : " (after " + before.ref() + ")") + "; active once the replay is done");
        }
        final ActiveModel previous = active.get(lang).getAndSet(model);
        metrics.modelLoaded(lang, model.ref());
        return LoadOutcome.loaded(announcement.key(), model.ref() + " active for " + lang + " (vocabulary "
                + vocabulary.size() + " words, tokenizer " + pipeline.config().tokenizer() + ", maxlen "
                + pipeline.config().maxlen() + ", digest " + bundle.digest()
                + (previous == null ? "" : ", replaces " + previous.ref()) + ")");
    }

    /** What a tombstone does here (see the class comment). */
    private LoadOutcome retire(final ModelRef ref, final long offset) {
        final Long before = retiredAt.get(ref);
        retiredAt.put(ref, before == null ? offset : Math.max(before, offset));
        if (before == null || offset > before) {
            // A replay reads the same tombstone again: count each retirement once.
            metrics.modelRetired(ref.name());
        }
        final String lang = langOfName.get(ref.name());
        final AtomicReference<ActiveModel> slot = lang == null ? null : active.get(lang);
        final ActiveModel current = slot == null ? null : slot.get();
        if (lang != null && rebuilding.containsKey(lang)) {
            final ActiveModel candidate = rebuilding.get(lang);
            if (candidate != null && candidate.ref().equals(ref)) {
                // Read again and then retired again later in the log: the replay goes on and chooses without it.
                rebuilding.put(lang, null);
            }
            return LoadOutcome.retired(ref.toString(), ref + " retired (tombstone at offset " + offset + ")");
        }
        if (current == null || !current.ref().equals(ref)) {
            return LoadOutcome.retired(ref.toString(), ref + " retired (tombstone at offset " + offset + "); "
                    + (lang == null ? "not" : "not active, so nothing that serves") + " changes");
        }
        slot.set(null);
        rebuilding.put(lang, null);
        for (final Map.Entry<String, String> e : langOfName.entrySet()) {
            if (e.getValue().equals(lang)) {
                highestLoaded.remove(e.getKey());
            }
        }
        replay.accept(() -> finishRebuild(lang));
        return LoadOutcome.retired(ref.toString(), ref + " retired (tombstone at offset " + offset + "): it was active"
                + " for " + lang + ", which has no model until the models topic is read again");
    }

    /** The replay after a retirement is done: the model a fresh start would choose for {@code lang} becomes active. */
    private synchronized void finishRebuild(final String lang) {
        final ActiveModel chosen = rebuilding.remove(lang);
        if (chosen == null) {
            LOG.warnf("no live model for %s is left on the models topic: its reviews are dead-lettered NO_MODEL until"
                    + " one is published", lang);
            return;
        }
        active.get(lang).set(chosen);
        metrics.modelLoaded(lang, chosen.ref());
        LOG.infof("model %s active for %s again after the retirement; active models: %s", chosen.ref(), lang,
                inService());
    }

    private static BundleRefusedException refused(final Announcement a, final RefusalReason reason,
                                                  final String message) {
        return new BundleRefusedException(new Refusal(a.key(), a.ref(), reason, message));
    }
}
