package io.sentimentstreams.preprocess.model;

import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records of {@code sentiment.models} in (key {@code name@version}, zipped bundle, announced digest), the
 * active model per language out. A bundle becomes active for its language unless it is an older or equal
 * version of the model name already loaded; a bundle that fails any check is refused with a log line and
 * a metric and the previous model keeps serving.
 *
 * <p>Each language has one {@link AtomicReference} to an immutable {@link ActiveModel}, so a stream thread
 * reads one version per record and a swap never mixes the vocabulary of one version with the stamp of
 * another. {@link #offer} is called from one thread (the models consumer); readers never block.
 */
public final class ModelRegistry {

    /** The languages the detector can produce; a bundle for any other language is refused. */
    public static final List<String> LANGUAGES = Lang.NAMES;

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final Path cacheDir;
    private final PreprocessMetrics metrics;
    private final Map<String, AtomicReference<ActiveModel>> active = new LinkedHashMap<>();
    /** Highest version loaded per model name, so replays and older versions are skipped before unpacking. */
    private final Map<String, Integer> highestLoaded = new HashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    /** Set once the first wait for the initial read timed out, so later records do not wait again. */
    private volatile boolean initialWaitOver;

    public ModelRegistry(final Path cacheDir, final PreprocessMetrics metrics) {
        this.cacheDir = cacheDir;
        this.metrics = metrics;
        for (final String lang : LANGUAGES) {
            active.put(lang, new AtomicReference<>());
        }
        metrics.registerActiveVersionGauges(this);
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
            LOG.warn("the models topic was not read to its end within {}; processing with the models loaded so far "
                    + "({})", timeout, snapshot().keySet());
        }
        return done;
    }

    /**
     * Verifies and activates one record of the models topic. Never throws: every failure becomes a
     * {@link LoadOutcome.Status#REFUSED} outcome, logged and counted.
     */
    public synchronized LoadOutcome offer(final String key, final byte[] archive, final String announcedDigest) {
        final LoadOutcome outcome = load(key, archive, announcedDigest);
        switch (outcome.status()) {
            case LOADED -> LOG.info("model {}", outcome.message());
            case SKIPPED, TOMBSTONE -> LOG.info("model {}", outcome.message());
            case REFUSED -> {
                LOG.error("model {} refused ({}): {}; models in service unchanged: {}", key, outcome.reason(),
                        outcome.message(), inService());
                metrics.modelRefused(modelName(key), outcome.reason());
            }
        }
        return outcome;
    }

    private static String modelName(final String key) {
        try {
            return ModelRef.parse(key).name();
        } catch (IllegalArgumentException e) {
            return "unknown";
        }
    }

    private List<String> inService() {
        return snapshot().values().stream().map(m -> m.lang() + "=" + m.ref()).toList();
    }

    /** Makes {@code model} active for its language, bypassing bundle checks (tests of the stream only). */
    public synchronized void install(final ActiveModel model) {
        active.computeIfAbsent(model.lang(), l -> new AtomicReference<>()).set(model);
        highestLoaded.merge(model.ref().name(), model.ref().version(), Math::max);
    }

    private LoadOutcome load(final String key, final byte[] archive, final String announcedDigest) {
        final ModelRef keyRef;
        try {
            keyRef = ModelRef.parse(key);
        } catch (IllegalArgumentException e) {
            return LoadOutcome.refused(key, "BAD_KEY", e.getMessage());
        }
        if (archive == null) {
            return LoadOutcome.tombstone(key);
        }
        final Integer highest = highestLoaded.get(keyRef.name());
        if (highest != null && keyRef.version() <= highest) {
            return LoadOutcome.skipped(key, key + " skipped: " + ModelRef.format(keyRef.name(), highest)
                    + " is already loaded");
        }
        if (announcedDigest == null || announcedDigest.isBlank()) {
            return LoadOutcome.refused(key, "MISSING_DIGEST",
                    "no " + BundleArchive.DIGEST_HEADER + " header: the bundle cannot be checked against its announcement");
        }
        Path scratch = null;
        try {
            // A private parent per offer: whatever unpack leaves behind, even on failure, is ours to delete.
            Files.createDirectories(cacheDir);
            scratch = Files.createTempDirectory(cacheDir, "preprocess-");
            final ModelBundle bundle = BundleArchive.unpack(archive, scratch, announcedDigest.trim());
            final BundleManifest manifest = bundle.manifest();
            if (!manifest.ref().equals(keyRef)) {
                return LoadOutcome.refused(key, "KEY_MISMATCH",
                        "record key " + key + " but the bundle is " + manifest.ref());
            }
            final String lang = manifest.lang() == null ? null : manifest.lang().wireName();
            if (lang == null || !LANGUAGES.contains(lang)) {
                return LoadOutcome.refused(key, "UNSUPPORTED_LANG",
                        "bundle language '" + lang + "' is not one of " + LANGUAGES);
            }
            final PipelineConfig config = manifest.pipeline();
            if (config.lang() != null && !config.lang().wireName().equals(lang)) {
                return LoadOutcome.refused(key, "LANG_MISMATCH",
                        "bundle language " + lang + " but its pipeline is configured for " + config.lang());
            }
            final Vocabulary vocabulary;
            try {
                vocabulary = Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY), config.oovToken());
            } catch (IOException | RuntimeException e) {
                return LoadOutcome.refused(key, "BAD_VOCABULARY", "cannot read " + BundleManifest.VOCABULARY
                        + ": " + e.getMessage());
            }
            final TextPipeline pipeline;
            try {
                pipeline = TextPipeline.of(config, vocabulary);
            } catch (RuntimeException | LinkageError e) {
                return LoadOutcome.refused(key, "BAD_PIPELINE", "pipeline config rejected: " + e);
            }
            final ActiveModel model = new ActiveModel(manifest.ref(), lang, bundle.digest(), Instant.now(),
                    pipeline::encode);
            final ActiveModel previous = active.get(lang).getAndSet(model);
            highestLoaded.merge(keyRef.name(), keyRef.version(), Math::max);
            metrics.modelLoaded(lang, model.ref());
            return LoadOutcome.loaded(key, model.ref() + " active for " + lang + " (vocabulary " + vocabulary.size()
                    + " words, tokenizer " + pipeline.config().tokenizer() + ", maxlen " + pipeline.config().maxlen()
                    + ", digest " + bundle.digest() + (previous == null ? "" : ", replaces " + previous.ref()) + ")");
        } catch (BundleException e) {
            return LoadOutcome.refused(key, e.kind().name(), e.getMessage());
        } catch (IOException e) {
            return LoadOutcome.refused(key, "CACHE_DIR", "cannot unpack into " + cacheDir + ": " + e);
        } catch (RuntimeException e) {
            return LoadOutcome.refused(key, "BAD_BUNDLE", e.toString());
        } finally {
            if (scratch != null) {
                deleteTree(scratch);
            }
        }
    }

    private static void deleteTree(final Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot delete unpacked bundle {}: {}", dir, e.toString());
        }
    }
}
