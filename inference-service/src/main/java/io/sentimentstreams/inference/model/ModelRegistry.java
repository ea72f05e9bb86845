package io.sentimentstreams.inference.model;

import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.ModelRef;
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
 * announcement never replaces what serves.
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
    /** Versions being loaded into an engine right now (the canary takes seconds; load each once). */
    private final java.util.Set<ModelRef> loading = new java.util.HashSet<>();
    private volatile boolean caughtUp;

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
     * been replayed ({@link #markCaughtUp()}) loads it into an engine right away.
     */
    public void offer(final String key, final byte[] archive, final String announcedDigest) {
        final Announcement announcement;
        try {
            announcement = verifier.announcement(key, archive, announcedDigest);
        } catch (BundleRefusedException e) {
            refuse(e.refusal());
            return;
        }
        final ModelRef ref = announcement.ref();
        if (announcement.tombstone()) {
            LOG.infof("ignoring tombstone for model %s on the models topic", key);
            return;
        }
        synchronized (this) {
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

    /** The outcome of waiting for a version: a leased model (release it) or why there is none. */
    public record Lookup(ServedModel model, String unavailable) {
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
                    return new Lookup(model, null);
                }
                if (!known.containsKey(ref)) {
                    final String why = refused.get(ref);
                    if (why != null) {
                        return new Lookup(null, "model " + ref + " was refused: " + why);
                    }
                    final long now = System.nanoTime();
                    final long since = wantedSince.computeIfAbsent(ref, r -> now);
                    final long left = since + waitNanos - now;
                    if (left <= 0 || stop.getAsBoolean()) {
                        return new Lookup(null, "model " + ref + " was not announced on the models topic within "
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
                return new Lookup(leased.get(), null);
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
                           Map<String, Integer> inService) {
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
        return new Snapshot(views, disk, ref, new java.util.TreeMap<>(newestLoaded));
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
