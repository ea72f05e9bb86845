package io.sentimentstreams.inference.loop;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sentimentstreams.inference.config.InferenceConfig;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.inference.model.ModelLoader;
import io.sentimentstreams.inference.model.ModelRegistry;
import io.sentimentstreams.kafka.NativeLz4;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.models.ModelsTopicFollower;
import io.sentimentstreams.tracing.RecordTracing;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Starts the model registry (with its {@code sentiment.models} reader) and the configured number of
 * {@link InferenceWorker} threads when Quarkus starts, and stops them when it stops: each worker
 * finishes the transaction in hand, so a clean stop leaves nothing to redo.
 */
@ApplicationScoped
public class InferenceService {

    private static final Logger LOG = Logger.getLogger(InferenceService.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MODELS_POLL = Duration.ofMillis(500);

    private final InferenceConfig config;
    private final InferenceMetrics metrics;
    private final Map<String, Object> kafkaConfig;
    private final RecordTracing tracing;
    private final List<InferenceWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private ModelRegistry registry;
    private ModelsTopicFollower reader;

    @Inject
    public InferenceService(final InferenceConfig config, final InferenceMetrics metrics,
                            @Identifier("default-kafka-broker") final Map<String, Object> kafkaConfig,
                            final RecordTracing tracing) {
        this.tracing = tracing;
        this.config = config;
        this.metrics = metrics;
        this.kafkaConfig = clientConfig(kafkaConfig);
    }

    void onStart(@Observes final StartupEvent event) {
        validate();
        // The workers decompress lz4 batches of reviews.encoded (see NativeLz4).
        LOG.infof("Kafka LZ4 codec: %s", NativeLz4.enable());
        final EngineChoice choice = EngineChoice.parse(config.models().engine());
        final ModelLoader loader = bundle -> Engines.load(bundle, choice);
        if (choice == EngineChoice.FAST && !Engines.vectorApiAvailable()) {
            LOG.warn("jdk.incubator.vector is missing (start the JVM with --add-modules jdk.incubator.vector): "
                    + "every model will be served by the dl4j engine");
        }
        registry = new ModelRegistry(loader, config.models().cacheSize(), cacheDir(), metrics);
        reader = new ModelsTopicFollower(kafkaConfig, "inference-models-" + Long.toHexString(System.nanoTime()),
                MODELS_POLL, registry::offer, registry::markCaughtUp);
        reader.start();
        final BatchScorer scorer = new BatchScorer(registry, config.versionWait(), metrics, tracing);
        for (int i = 0; i < config.workers(); i++) {
            final InferenceWorker worker = new InferenceWorker(kafkaConfig, new InferenceWorker.Settings(
                    config.groupId(), config.transactionalIdPrefix() + "-" + i, config.batch().maxSize(),
                    config.batch().maxWait(), config.pollTimeout(), config.transactionTimeout()),
                    scorer, registry, metrics);
            final Thread t = new Thread(worker, "inference-worker-" + i);
            workers.add(worker);
            threads.add(t);
            t.start();
        }
        LOG.infof("inference-service started: %d worker(s), batch <= %d records / %s, version wait %s, "
                        + "engine %s, model cache %d", config.workers(), config.batch().maxSize(),
                config.batch().maxWait(), config.versionWait(), choice.id(), config.models().cacheSize());
    }

    void onStop(@Observes final ShutdownEvent event) {
        workers.forEach(InferenceWorker::stop);
        final long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (final Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                LOG.warnf("%s did not stop within %s", t.getName(), STOP_TIMEOUT);
            }
        }
        if (reader != null) {
            try {
                reader.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (registry != null) {
            registry.close();
        }
    }

    public ModelRegistry registry() {
        return registry;
    }

    public List<InferenceWorker> workers() {
        return List.copyOf(workers);
    }

    /** True when every worker is polling (its clients are up and it is not stuck rebuilding them). */
    public boolean allWorkersPolling() {
        return !workers.isEmpty() && workers.stream().allMatch(InferenceWorker::polling);
    }

    /** Transactional ids of the workers that stopped because another live instance uses the same id. */
    public List<String> conflictedTransactionalIds() {
        return workers.stream().filter(InferenceWorker::conflicted).map(InferenceWorker::transactionalId).toList();
    }

    /** True when a worker thread or the models reader thread has ended (only expected during shutdown). */
    public boolean anyThreadFinished() {
        return workers.stream().anyMatch(InferenceWorker::finished) || reader != null && !reader.isAlive();
    }

    private void validate() {
        if (config.workers() < 1) {
            throw new IllegalArgumentException("sentiment.inference.workers must be >= 1");
        }
        if (config.batch().maxSize() < 1) {
            throw new IllegalArgumentException("sentiment.inference.batch.max-size must be >= 1");
        }
        final Object pollInterval = kafkaConfig.get("max.poll.interval.ms");
        final long maxPollMs = pollInterval == null ? 300_000L : Long.parseLong(pollInterval.toString());
        if (config.versionWait().toMillis() * 2 >= maxPollMs) {
            // A worker does not poll while it waits for a model; past max.poll.interval.ms it leaves the group.
            throw new IllegalArgumentException("sentiment.inference.version-wait (" + config.versionWait()
                    + ") must be below half of max.poll.interval.ms (" + maxPollMs + " ms)");
        }
    }

    private Path cacheDir() {
        try {
            final Path base = config.models().cacheDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "sentiment-inference-models-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the model cache directory", e);
        }
    }

    /** The {@code kafka.*} settings minus anything only one client type understands (set per client). */
    private static Map<String, Object> clientConfig(final Map<String, Object> fromQuarkus) {
        final Map<String, Object> c = new HashMap<>(fromQuarkus);
        c.keySet().removeIf(k -> k.startsWith("key.") || k.startsWith("value.") || k.equals("group.id")
                || k.equals("transactional.id"));
        return Map.copyOf(c);
    }
}
