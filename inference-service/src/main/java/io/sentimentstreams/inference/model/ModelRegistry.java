package io.sentimentstreams.inference.model;

import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.models.Announcement;
import io.sentimentstreams.models.BundleRefusedException;
import io.sentimentstreams.models.BundleVerifier;
import io.sentimentstreams.models.Refusal;
import io.sentimentstreams.models.RefusalReason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Model versions announced on {@code sentiment.models} in, leased engines out: every announcement is
 * checked by the shared {@link BundleVerifier}; what is inference's own is keeping every verified version
 * on disk (immutable: the same version with another digest is refused), loading a small LRU of them into
 * engines (the newest version of each name is never evicted) and probing each engine. A refused
 * announcement never replaces what serves. A tombstone retires its version: no new lease is handed out, the
 * newest live version of the name takes over, and the engine and its directory on disk go once the last lease
 * is returned; records still asking for it are answered {@link Reason#MODEL_VERSION_RETIRED}.
 */
public final class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);
    private static final long WAIT_SLICE_MS = 200;

    private final ModelLoader loader;
    private final int cacheSize;
    private final BundleVerifier verifier;
    private final InferenceMetrics metrics;

    /** Verified bundles on disk, by version; loading one into an engine needs no Kafka. */
    private final Map<ModelRef, ModelBundle> known = new HashMap<>();
    /** Loaded engines in access order (LRU first). */
    private final LinkedHashMap<ModelRef, ServedModel> loaded = new LinkedHashMap<>(16, 0.75f, true);
    /** Versions refused and not known in a good copy, with the reason kind and message. */
    private final Map<ModelRef, String> refused = new HashMap<>();
    /** When a worker first waited for a version that is not known (nanoTime), for the wait bound. */
    private final Map<ModelRef, Long> wantedSince = new HashMap<>();
    private final Map<String, Integer> newestLoaded = new HashMap<>();
    /**
     * Retired versions with the offset of their tombstone: a bundle record before it (a replay of the topic
     * before compaction) stays retired, one after it (published again) brings the version back.
     */
    private final Map<ModelRef, Long> retiredAt = new HashMap<>();
    /** Versions being loaded into an engine right now (the canary takes seconds; load each once). */
    private final java.util.Set<ModelRef> loading = new java.util.HashSet<>();
    private volatile boolean caughtUp;
    private final java.util.concurrent.atomic.AtomicLong unplacedOffsets = new java.util.concurrent.atomic.AtomicLong();

    public ModelRegistry(final ModelLoader loader, final int cacheSize, final Path cacheDir,
                         final InferenceMetrics metrics) {
        if (cacheSize < 1) {
            throw new IllegalArgumentException("model cache size must be >= 1, got " + cacheSize);
        }
        this.loader = loader;
        this.cacheSize = cacheSize;
        this.verifier = new BundleVerifier(cacheDir);
        this.metrics = metrics;
        metrics.gauge("models.cached", "Model versions loaded in memory", this, ModelRegistry::loadedCount);
    }

    /**
     * Handles one {@code sentiment.models} record: verifies and keeps the bundle, and once the topic has
     * been replayed ({@link #markCaughtUp()}) loads it into an engine right away. Without a topic position
     * (tests, benches) the calls are taken as consecutive offsets; do not mix with the positioned form.
     */
    public void offer(final String key, final byte[] archive, final String announcedDigest) {
        offer(key, archive, announcedDigest, unplacedOffsets.incrementAndGet());
    }

    /**
     * Handles one {@code sentiment.models} record at {@code offset} (see {@link #offer(String, byte[], String)});
     * a tombstone retires its version.
     */
    public void offer(final String key, final byte[] archive, final String announcedDigest, final long offset) {
        final Announcement announcement;
        try {
            announcement = verifier.announcement(key, archive, announcedDigest);
        } catch (BundleRefusedException e) {
            refuse(e.refusal());
            return;
        }
        final ModelRef ref = announcement.ref();
        if (announcement.tombstone()) {
            retire(ref, offset);
            return;
        }
        synchronized (this) {
            final Long retired = retiredAt.get(ref);
            if (retired != null && offset < retired) {
                LOG.debugf("model %s at offset %d skipped: retired at offset %d", ref, offset, retired);
                return;
            }
            if (retired != null) {
                retiredAt.remove(ref);
                LOG.infof("model %s published again after its retirement", ref);
            }
            final ModelBundle existing = known.get(ref);
            if (existing != null && existing.digest().equalsIgnoreCase(announcement.digest())) {
                LOG.debugf("model %s announced again with the same digest", ref);
                return;
            }
        }
        final ModelBundle bundle;
        try {
            bundle = verifier.verify(announcement);
        } catch (BundleRefusedException e) {
            refuse(e.refusal());
            return;
        }
        synchronized (this) {
            final ModelBundle existing = known.get(ref);
            if (existing != null) {
                BundleVerifier.delete(bundle.dir());
                if (!existing.digest().equalsIgnoreCase(bundle.digest())) {
                    // Versions are immutable: the records already encoded with it must keep their meaning.
                    refuse(new Refusal(key, ref, RefusalReason.VERSION_CONFLICT, "model " + ref
                            + " was already published with digest " + existing.digest() + "; got " + bundle.digest()
                            + " (publish a new version instead)"));
                }
                return;
            }
            known.put(ref, bundle);
            refused.remove(ref);
            notifyAll();
        }
        LOG.infof("model %s verified (digest %s)%s", ref, bundle.digest(), caughtUp ? "" : " during replay");
        if (caughtUp) {
            loadLeased(ref).ifPresent(ServedModel::release);
        }
    }

    /**
     * Retires {@code ref}: forgets it, recomputes the newest version of its name from what stays, and closes its
     * engine and deletes its directory once no worker holds a lease on it (at once when none does).
     */
    private void retire(final ModelRef ref, final long offset) {
        final ModelBundle bundle;
        final ServedModel served;
        final boolean wasNewest;
        final Optional<ModelRef> successor;
        synchronized (this) {
            final Long before = retiredAt.get(ref);
            retiredAt.put(ref, before == null ? offset : Math.max(before, offset));
            bundle = known.remove(ref);
            served = loaded.remove(ref);
            refused.remove(ref);
            wantedSince.remove(ref);
            wasNewest = newestLoaded.getOrDefault(ref.name(), -1) == ref.version();
            successor = known.keySet().stream().filter(r -> r.name().equals(ref.name()))
                    .max(Comparator.comparingInt(ModelRef::version));
            if (wasNewest && successor.isPresent() && loaded.containsKey(successor.get())) {
                newestLoaded.put(ref.name(), successor.get().version());
            } else if (wasNewest) {
                // Until the successor is loaded the gauge says "none" rather than a version that no longer serves.
                newestLoaded.remove(ref.name());
            }
            notifyAll();
        }
        if (bundle == null) {
            LOG.infof("model %s retired (tombstone at offset %d); it was not on disk here", ref, offset);
            return;
        }
        final Path dir = bundle.dir();
        synchronized (this) {
            if (served == null && loading.contains(ref)) {
                // The loading thread sees the version gone and deletes the directory when it is done with it.
                LOG.infof("model %s retired (tombstone at offset %d) while loading", ref, offset);
                return;
            }
        }
        if (served == null) {
            BundleVerifier.delete(dir);
        } else {
            served.retire(() -> {
                BundleVerifier.delete(dir);
                LOG.infof("model %s closed and deleted from %s: its last lease was returned", ref, dir);
            });
        }
        metrics.modelRetired(ref.name());
        LOG.infof("model %s retired (tombstone at offset %d): no new records are scored with it%s", ref, offset,
                successor.map(s -> "; " + s + " serves " + ref.name()).orElse("; no live version of " + ref.name()
                        + " is left here"));
        if (wasNewest && caughtUp && successor.isPresent()) {
            loadLeased(successor.get()).ifPresent(ServedModel::release);
        }
    }

    /** Called once the models topic has been read to its end: loads the newest good version of each name. */
    public void markCaughtUp() {
        final Map<String, List<ModelRef>> byName = new HashMap<>();
        synchronized (this) {
            for (final ModelRef ref : known.keySet()) {
                byName.computeIfAbsent(ref.name(), n -> new ArrayList<>()).add(ref);
            }
        }
        for (final List<ModelRef> refs : byName.values()) {
            refs.sort(Comparator.comparingInt(ModelRef::version).reversed());
            for (final ModelRef ref : refs) {
                final Optional<ServedModel> m = loadLeased(ref);
                if (m.isPresent()) {
                    m.get().release();
                    break;
                }
            }
        }
        caughtUp = true;
        synchronized (this) {
            notifyAll();
        }
        LOG.infof("model registry caught up: loaded %s", loadedRefs());
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    /** The outcome of waiting for a version: a leased model (release it) or why there is none, with its reason code. */
    public record Lookup(ServedModel model, Reason reason, String unavailable) {
    }

    /**
     * Leases {@code ref}, loading it from disk if it was evicted, or waits for it to be announced until
     * {@code waitNanos} after a worker first asked for it; returns why not when it stays unavailable or
     * {@code stop} turns true. Refused versions return at once.
     */
    public Lookup await(final ModelRef ref, final long waitNanos, final BooleanSupplier stop)
            throws InterruptedException {
        while (true) {
            synchronized (this) {
                final ServedModel model = loaded.get(ref);
                if (model != null && model.acquire()) {
                    wantedSince.remove(ref);
                    return new Lookup(model, null, null);
                }
                if (!known.containsKey(ref)) {
                    final Long retired = retiredAt.get(ref);
                    if (retired != null) {
                        return new Lookup(null, Reason.MODEL_VERSION_RETIRED, "model " + ref + " was retired (tombstone"
                                + " at offset " + retired + " of the models topic) and its engine is gone; replay the"
                                + " review to encode it with a live version");
                    }
                    final String why = refused.get(ref);
                    if (why != null) {
                        return new Lookup(null, Reason.MODEL_VERSION_UNAVAILABLE, "model " + ref + " was refused: "
                                + why);
                    }
                    final long now = System.nanoTime();
                    final long since = wantedSince.computeIfAbsent(ref, r -> now);
                    final long left = since + waitNanos - now;
                    if (left <= 0 || stop.getAsBoolean()) {
                        return new Lookup(null, Reason.MODEL_VERSION_UNAVAILABLE, "model " + ref + " was not announced on the models topic within "
                                + (waitNanos / 1_000_000) + " ms of first being needed");
                    }
                    wait(Math.max(1, Math.min(WAIT_SLICE_MS, left / 1_000_000)));
                    continue;
                }
            }
            // Known but not in memory (evicted, or announced and still loading): load it, leased to us.
            final Optional<ServedModel> leased = loadLeased(ref);
            if (leased.isPresent()) {
                synchronized (this) {
                    wantedSince.remove(ref);
                }
                return new Lookup(leased.get(), null, null);
            }
        }
    }

    /** Leases {@code ref} if it is loaded now, without waiting or loading. */
    public synchronized Optional<ServedModel> leaseIfLoaded(final ModelRef ref) {
        final ServedModel model = loaded.get(ref);
        return model != null && model.acquire() ? Optional.of(model) : Optional.empty();
    }

    public synchronized int loadedCount() {
        return loaded.size();
    }

    public synchronized List<ModelRef> loadedRefs() {
        return List.copyOf(loaded.keySet());
    }

    /** What the registry holds, for the REST view and logs. */
    public record Snapshot(List<ModelView> loaded, List<String> onDisk, Map<String, String> refused,
                           Map<String, Integer> inService, List<String> retired) {
    }

    public record ModelView(String model, int version, String engine, String canary, String digest,
                            double threshold, int maxlen, String loadedAt) {
    }

    public synchronized Snapshot snapshot() {
        final List<ModelView> views = new ArrayList<>();
        for (final ServedModel m : loaded.values()) {
            views.add(new ModelView(m.ref().name(), m.ref().version(), m.engineName(), m.canary().reason(),
                    m.digest(), m.threshold(), m.maxlen(), m.loadedAt().toString()));
        }
        views.sort(Comparator.comparing(ModelView::model).thenComparingInt(ModelView::version));
        final List<String> disk = known.keySet().stream().map(ModelRef::toString).sorted().toList();
        final Map<String, String> ref = new java.util.TreeMap<>();
        refused.forEach((k, v) -> ref.put(k.toString(), v));
        final List<String> gone = retiredAt.keySet().stream().map(ModelRef::toString).sorted().toList();
        return new Snapshot(views, disk, ref, new java.util.TreeMap<>(newestLoaded), gone);
    }

    /** Closes every engine; the registry is unusable afterwards. */
    public void close() {
        final List<ServedModel> all;
        synchronized (this) {
            all = new ArrayList<>(loaded.values());
            loaded.clear();
        }
        all.forEach(ServedModel::retire);
    }

    /**
     * Returns {@code ref} loaded into an engine with a lease taken (release it), loading it if needed; one
     * thread loads a version at a time, others wait for it. Empty when the version is unknown or refused.
     */
    private Optional<ServedModel> loadLeased(final ModelRef ref) {
        final ModelBundle bundle;
        synchronized (this) {
            while (loading.contains(ref)) {
                try {
                    wait(WAIT_SLICE_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
            final ServedModel present = loaded.get(ref);
            if (present != null && present.acquire()) {
                return Optional.of(present);
            }
            bundle = known.get(ref);
            if (bundle == null) {
                return Optional.empty();
            }
            loading.add(ref);
        }
        try {
            return loadNow(ref, bundle);
        } finally {
            synchronized (this) {
                loading.remove(ref);
                notifyAll();
            }
        }
    }

    private Optional<ServedModel> loadNow(final ModelRef ref, final ModelBundle bundle) {
        final long start = System.nanoTime();
        final LoadedModel engine;
        try {
            // Re-verify: the bundle may have sat on disk since it was announced.
            final ModelBundle verified = ModelBundle.load(bundle.dir());
            engine = loader.load(verified);
            try {
                BundleChecks.probe(verified, engine.model());
            } catch (BundleException | RuntimeException e) {
                engine.close();
                throw e;
            }
        } catch (BundleException | RuntimeException | LinkageError e) {
            // The engine could not run this network (e.g. the manifest declares more ids than it embeds, caught
            // by the canary), or an engine class is broken (LinkageError): refuse this bundle, keep the registry.
            final RefusalReason reason = e instanceof BundleException be ? RefusalReason.of(be.kind())
                    : RefusalReason.ENGINE_ERROR;
            synchronized (this) {
                known.remove(ref);
            }
            BundleVerifier.delete(bundle.dir());
            refuse(new Refusal(ref.toString(), ref, reason, e instanceof BundleException ? e.getMessage()
                    : e.toString()));
            return Optional.empty();
        }
        metrics.canary(ref.name(), engine.canary().tag());
        final ServedModel model = new ServedModel(ref, bundle.digest(), bundle.manifest(), engine);
        final List<ServedModel> evicted = new ArrayList<>();
        boolean firstOfName = false;
        synchronized (this) {
            if (!known.containsKey(ref)) {
                // Retired while its engine was being built: nothing may lease it, and nothing else holds its files.
                engine.close();
                BundleVerifier.delete(bundle.dir());
                LOG.infof("model %s was retired while loading; engine closed and %s deleted", ref, bundle.dir());
                return Optional.empty();
            }
            loaded.put(ref, model);
            model.acquire();
            final Integer newest = newestLoaded.get(ref.name());
            firstOfName = newest == null;
            if (newest == null || ref.version() > newest) {
                newestLoaded.put(ref.name(), ref.version());
            }
            evictBeyondCapacity(ref, evicted);
            notifyAll();
        }
        if (firstOfName) {
            final String name = ref.name();
            metrics.modelVersionGauge(name, this, r -> r.inServiceVersion(name));
        }
        evicted.forEach(ServedModel::retire);
        metrics.modelLoaded(ref.name(), model.engineName());
        LOG.infof("model %s loaded on engine %s in %d ms (canary %s: %s; threshold %.3f, maxlen %d); in service: %s",
                ref, model.engineName(), (System.nanoTime() - start) / 1_000_000, engine.canary().tag(),
                engine.canary().reason(), model.threshold(), model.maxlen(), newestLoadedView());
        return Optional.of(model);
    }

    private synchronized double inServiceVersion(final String name) {
        final Integer v = newestLoaded.get(name);
        return v == null ? Double.NaN : v;
    }

    private synchronized Map<String, Integer> newestLoadedView() {
        return new java.util.TreeMap<>(newestLoaded);
    }

    /**
     * Evicts least-recently used versions while over capacity, sparing the newest of each name and the
     * version just loaded (so with more names than slots the cache holds one older version beyond its size
     * instead of evicting what a worker is about to score with).
     */
    private void evictBeyondCapacity(final ModelRef justLoaded, final List<ServedModel> evicted) {
        final Iterator<Map.Entry<ModelRef, ServedModel>> it = loaded.entrySet().iterator();
        while (loaded.size() > cacheSize && it.hasNext()) {
            final Map.Entry<ModelRef, ServedModel> e = it.next();
            final ModelRef ref = e.getKey();
            if (ref.equals(justLoaded) || newestLoaded.getOrDefault(ref.name(), -1) == ref.version()) {
                continue;
            }
            it.remove();
            evicted.add(e.getValue());
            LOG.infof("model %s evicted from the engine cache (stays on disk, reloads on demand)", ref);
        }
    }

    private void refuse(final Refusal r) {
        synchronized (this) {
            if (r.ref() != null && !known.containsKey(r.ref())) {
                refused.put(r.ref(), r.reason() + ": " + r.message());
                notifyAll();
            }
        }
        metrics.modelRefused(r.modelTag(), r.reason().name());
        LOG.errorf("model bundle %s refused (%s): %s; what serves stays unchanged", r.ref() == null ? r.key() : r.ref(),
                r.reason(), r.message());
    }
}
