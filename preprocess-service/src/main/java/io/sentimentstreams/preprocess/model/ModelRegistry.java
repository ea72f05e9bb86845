package io.sentimentstreams.preprocess.model;

import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.models.Announcement;
import io.sentimentstreams.models.BundleRefusedException;
import io.sentimentstreams.models.BundleVerifier;
import io.sentimentstreams.models.ModelsTopicFollower;
import io.sentimentstreams.models.Refusal;
import io.sentimentstreams.models.RefusalReason;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import io.sentimentstreams.rollout.Rollout;
import io.sentimentstreams.rollout.RolloutRecords;
import io.sentimentstreams.rollout.RolloutRole;
import io.sentimentstreams.rollout.Rollouts;
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
 * Records of {@code sentiment.models} in (bundles with their rollout role, rollout records, tombstones), the
 * {@link Routing} of every language out: the live model, and a shadow or canary candidate. The shared
 * {@link BundleVerifier} checks each bundle and the shared {@link Rollouts} fold decides which version plays which
 * role; what is preprocess's own is turning each bundle's vocabulary and pipeline into an encoder. A bundle that
 * fails any check is refused with a log line and a metric, and what serves stays unchanged.
 *
 * <p>An encoder is kept for every version read and not retired (a vocabulary, not the network: preprocess keeps
 * no bundle on disk), so a promote, a rollback or a retirement of the live version switches at once, with no
 * re-read of the topic and no review without a model meanwhile. Retiring old versions frees their memory.
 *
 * <p>Each language has one {@link AtomicReference} to an immutable {@link Routing}, so a stream thread reads one
 * state per record and a swap never mixes the vocabulary of one version with the stamp of another. {@link #offer}
 * is called from one thread (the models topic follower); readers never block.
 */
public final class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    private final BundleVerifier verifier;
    private final PreprocessMetrics metrics;
    private final Map<String, AtomicReference<Routing>> routing = new LinkedHashMap<>();
    /** The encoder of every version read and not retired. */
    private final Map<ModelRef, ActiveModel> encoders = new HashMap<>();
    /** Retired versions with the offset of their tombstone (a bundle record after it brings the version back). */
    private final Map<ModelRef, Long> retiredAt = new HashMap<>();
    private final Rollouts rollouts = new Rollouts();
    private final java.util.concurrent.atomic.AtomicLong unplacedOffsets = new java.util.concurrent.atomic.AtomicLong();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Set once the first wait for the initial read timed out, so later records do not wait again. */
    private volatile boolean initialWaitOver;

    public ModelRegistry(final Path cacheDir, final PreprocessMetrics metrics) {
        this.verifier = new BundleVerifier(cacheDir);
        this.metrics = metrics;
        for (final String lang : Lang.NAMES) {
            routing.put(lang, new AtomicReference<>());
            metrics.activeVersionGauge(lang, this, r -> r.active(lang).map(m -> (double) m.ref().version())
                    .orElse(0.0));
        }
    }

    /** The live model of {@code lang} right now, if any. */
    public Optional<ActiveModel> active(final String lang) {
        return routing(lang).map(Routing::live);
    }

    /** The routing of {@code lang} right now (live model and candidate), if any model serves it. */
    public Optional<Routing> routing(final String lang) {
        final AtomicReference<Routing> ref = routing.get(lang);
        return ref == null ? Optional.empty() : Optional.ofNullable(ref.get());
    }

    /** Language to live model, for health and the {@code /models} endpoint. */
    public Map<String, ActiveModel> snapshot() {
        final Map<String, ActiveModel> out = new LinkedHashMap<>();
        routing.forEach((lang, ref) -> {
            final Routing r = ref.get();
            if (r != null && r.live() != null) {
                out.put(lang, r.live());
            }
        });
        return out;
    }

    /** Language to rollout (live, candidate, role, percent, previous), for the {@code /models} endpoint. */
    public Map<String, Rollout> rollouts() {
        final Map<String, Rollout> out = new LinkedHashMap<>();
        routing.forEach((lang, ref) -> {
            final Routing r = ref.get();
            if (r != null) {
                out.put(lang, r.rollout());
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

    /** Handles one record of the models topic as the follower hands it on (a rollout record or a bundle). */
    public void offer(final ModelsTopicFollower.ModelsRecord r) {
        if (r.rollout()) {
            offerRollout(r.key(), r.value(), r.offset());
            return;
        }
        offer(r.key(), r.value(), r.digestHeader(), r.offset(), r.roleHeader(), r.percentHeader());
    }

    /**
     * A rollout record ({@code rollout:LANG}, written by promote, rollback or a change of the canary share): its
     * state replaces the language's. A record that cannot be read is refused and changes nothing.
     */
    public synchronized LoadOutcome offerRollout(final String key, final byte[] value, final long offset) {
        final Rollout r;
        try {
            r = RolloutRecords.decode(key, value);
        } catch (IllegalArgumentException e) {
            LOG.errorf("rollout record %s at offset %d refused: %s; routing unchanged: %s", key, offset,
                    e.getMessage(), inService());
            metrics.modelRefused("rollout", RefusalReason.BAD_KEY.name());
            return LoadOutcome.refused(key, RefusalReason.BAD_KEY.name(), e.getMessage());
        }
        final Rollout applied = rollouts.record(r);
        publish(applied);
        return LoadOutcome.loaded(key, "rollout of " + applied);
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
    public LoadOutcome offer(final String key, final byte[] archive, final String announcedDigest,
                             final long offset) {
        return offer(key, archive, announcedDigest, offset, null, null);
    }

    /** As {@link #offer(String, byte[], String, long)} for a bundle published with a rollout role (null: live). */
    public synchronized LoadOutcome offer(final String key, final byte[] archive, final String announcedDigest,
                                          final long offset, final String roleHeader, final String percentHeader) {
        final LoadOutcome outcome;
        try {
            outcome = load(key, archive, announcedDigest, offset, roleHeader, percentHeader);
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

    /** Makes {@code model} live for its language, bypassing bundle checks (tests of the stream only). */
    public synchronized void install(final ActiveModel model) {
        install(model, RolloutRole.LIVE, 0);
    }

    /** Installs {@code model} in {@code role}, bypassing bundle checks (tests of the stream only). */
    public synchronized void install(final ActiveModel model, final RolloutRole role, final int percent) {
        encoders.put(model.ref(), model);
        publish(rollouts.bundle(model.ref(), model.lang(), role, percent));
    }

    /** Replaces the rollout of a language as a rollout record would (tests of the stream only). */
    public synchronized void install(final Rollout rollout) {
        publish(rollouts.record(rollout));
    }

    private LoadOutcome load(final String key, final byte[] archive, final String announcedDigest, final long offset,
                             final String roleHeader, final String percentHeader) throws BundleRefusedException {
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
        if (encoders.containsKey(keyRef)) {
            return LoadOutcome.skipped(key, key + " skipped: it is already loaded");
        }
        final RolloutRole role;
        final int percent;
        try {
            role = RolloutRecords.role(roleHeader);
            percent = RolloutRecords.percent(role, percentHeader);
        } catch (IllegalArgumentException e) {
            throw refused(announcement, RefusalReason.BAD_KEY, "rollout headers: " + e.getMessage());
        }
        final ModelBundle bundle = verifier.verify(announcement);
        try {
            return activate(announcement, bundle, role, percent);
        } catch (RuntimeException e) {
            throw refused(announcement, RefusalReason.BAD_BUNDLE, e.toString());
        } finally {
            // preprocess never needs the network: once the vocabulary is read, nothing of the bundle stays.
            BundleVerifier.delete(bundle.dir());
        }
    }

    /** The part only preprocess has: the bundle's vocabulary and pipeline become the language's encoder. */
    private LoadOutcome activate(final Announcement announcement, final ModelBundle bundle, final RolloutRole role,
                                 final int percent) throws BundleRefusedException {
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
        encoders.put(model.ref(), model);
        final ModelRef liveBefore = rollouts.of(lang).live();
        final Rollout after = rollouts.bundle(model.ref(), lang, role, percent);
        publish(after);
        if (model.ref().equals(after.live())) {
            metrics.modelLoaded(lang, model.ref());
        }
        final String as = model.ref().equals(after.live()) ? " active for " : model.ref().equals(after.candidate())
                ? " " + role.wireName() + " candidate for " : " read (not serving) for ";
        return LoadOutcome.loaded(announcement.key(), model.ref() + as + lang + " (vocabulary " + vocabulary.size() + " words, tokenizer " + pipeline.config().tokenizer()
                + ", maxlen " + pipeline.config().maxlen() + ", digest " + bundle.digest()
                + (liveBefore == null || liveBefore.equals(after.live()) ? "" : ", replaces " + liveBefore)
                + "); " + after);
    }

    /** A tombstone: the version's encoder goes and every rollout that used it moves on without it at once. */
    private LoadOutcome retire(final ModelRef ref, final long offset) {
        final Long before = retiredAt.get(ref);
        retiredAt.put(ref, before == null ? offset : Math.max(before, offset));
        if (before == null || offset > before) {
            metrics.modelRetired(ref.name());
        }
        encoders.remove(ref);
        final List<Rollout> changed = rollouts.retire(ref);
        changed.forEach(this::publish);
        if (changed.isEmpty()) {
            return LoadOutcome.retired(ref.toString(), ref + " retired (tombstone at offset " + offset
                    + "); it served no language, so nothing that serves changes");
        }
        return LoadOutcome.retired(ref.toString(), ref + " retired (tombstone at offset " + offset + "); now "
                + changed);
    }

    /** Swaps the routing of the rollout's language to the encoders it names (a version not held has none). */
    private void publish(final Rollout r) {
        final ActiveModel live = r.live() == null ? null : encoders.get(r.live());
        final ActiveModel candidate = r.candidate() == null ? null : encoders.get(r.candidate());
        if (r.live() != null && live == null) {
            LOG.warnf("live model %s of %s is not loaded here; its reviews are dead-lettered NO_MODEL", r.live(),
                    r.lang());
        }
        routing.computeIfAbsent(r.lang(), l -> new AtomicReference<>())
                .set(live == null && candidate == null ? null : new Routing(r, live, candidate));
    }

    private static BundleRefusedException refused(final Announcement a, final RefusalReason reason,
                                                  final String message) {
        return new BundleRefusedException(new Refusal(a.key(), a.ref(), reason, message));
    }
}
