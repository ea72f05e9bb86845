package io.sentimentstreams.inference.loop;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.sentimentstreams.inference.loop.BatchScorer.Abandoned;
import io.sentimentstreams.inference.loop.BatchScorer.Result;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.inference.model.ModelRegistry;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.tracing.RecordTracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * One consume-score-produce loop on its own thread: polls a micro-batch of {@code reviews.encoded}
 * (read_committed, no auto-commit), scores it with {@link BatchScorer}, and produces the results and the
 * consumed offsets in one Kafka transaction. Anything that fails before the commit aborts the transaction
 * and rewinds to the committed offsets, so an offset is never committed for a record not produced.
 * A worker whose producer keeps being fenced shares its transactional id with another live instance
 * ({@link FencingWatch}); the newer of the two stops consuming and reports the conflict instead of the
 * two fencing each other forever.
 */
public final class InferenceWorker implements Runnable {

    private static final Logger LOG = Logger.getLogger(InferenceWorker.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    private static final Duration REGISTRY_POLL = Duration.ofMillis(50);
    /** The setting that gives each instance its own transactional ids (InferenceConfig). */
    public static final String ID_SETTING = "SENTIMENT_INFERENCE_TRANSACTIONAL_ID_PREFIX "
            + "(sentiment.inference.transactional-id-prefix, default sentiment-inference-${HOSTNAME})";

    /** Worker settings, resolved from {@code InferenceConfig}. */
    public record Settings(String groupId, String transactionalId, int maxBatch, Duration maxWait,
                           Duration pollTimeout, Duration transactionTimeout) {
    }

    /** Where a session gets its consumer and (not yet initialised) transactional producer. */
    record Clients(Supplier<Consumer<String, byte[]>> consumer, Supplier<Producer<String, byte[]>> producer) {
    }

    /** One batch in, what to produce for it out; {@link BatchScorer#score} in service. */
    @FunctionalInterface
    interface Scorer {
        Result score(List<ConsumerRecord<String, byte[]>> batch, BooleanSupplier stop)
                throws InterruptedException, Abandoned;
    }

    /** Time for batch deadlines, latencies and back-offs; the system clock in service. */
    interface Clock {
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(final Duration d) throws InterruptedException {
                Thread.sleep(d.toMillis());
            }
        };

        long nanoTime();

        void sleep(Duration d) throws InterruptedException;
    }

    private final Settings settings;
    private final Clients clients;
    private final Scorer scorer;
    private final BooleanSupplier modelsReady;
    private final InferenceMetrics metrics;
    private final Clock clock;
    private final FencingWatch fencing;
    private final RecordTracing tracing;
    static final String BATCH_SPAN = "inference batch";

    /** Records fetched but not yet scored: the batch being filled, then records beyond its size. */
    private final List<ConsumerRecord<String, byte[]>> buffer = new ArrayList<>();
    private volatile boolean running = true;
    private volatile boolean polling;
    private volatile boolean finished;
    private volatile boolean conflicted;
    private volatile Consumer<String, byte[]> consumer;
    /** Released by {@link #stop()}: a worker parked after a transactional-id conflict waits on it. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    public InferenceWorker(final Map<String, Object> baseKafkaConfig, final Settings settings,
                           final BatchScorer scorer, final ModelRegistry registry, final InferenceMetrics metrics) {
        this(settings, kafkaClients(baseKafkaConfig, settings), scorer::score, registry::caughtUp, metrics,
                Clock.SYSTEM, new FencingWatch(Clock.SYSTEM.nanoTime()), scorer.tracing());
    }

    /** The loop with its collaborators given: tests pass mock clients, a scorer and a clock of their own. */
    InferenceWorker(final Settings settings, final Clients clients, final Scorer scorer,
                    final BooleanSupplier modelsReady, final InferenceMetrics metrics, final Clock clock) {
        this(settings, clients, scorer, modelsReady, metrics, clock, new FencingWatch(clock.nanoTime()),
                RecordTracing.OFF);
    }

    /** Real Kafka clients with a fencing history of the test's choosing (a worker started long ago, say). */
    InferenceWorker(final Map<String, Object> baseKafkaConfig, final Settings settings, final Scorer scorer,
                    final BooleanSupplier modelsReady, final InferenceMetrics metrics, final FencingWatch fencing) {
        this(settings, kafkaClients(baseKafkaConfig, settings), scorer, modelsReady, metrics, Clock.SYSTEM, fencing,
                RecordTracing.OFF);
    }

    private InferenceWorker(final Settings settings, final Clients clients, final Scorer scorer,
                            final BooleanSupplier modelsReady, final InferenceMetrics metrics, final Clock clock,
                            final FencingWatch fencing, final RecordTracing tracing) {
        this.tracing = tracing;
        this.settings = settings;
        this.clients = clients;
        this.scorer = scorer;
        this.modelsReady = modelsReady;
        this.metrics = metrics;
        this.clock = clock;
        this.fencing = fencing;
    }

    private static Clients kafkaClients(final Map<String, Object> baseKafkaConfig, final Settings settings) {
        final Map<String, Object> consumerConfig = consumerConfig(baseKafkaConfig, settings);
        final Map<String, Object> producerConfig = producerConfig(baseKafkaConfig, settings);
        final KafkaClientSettings kafka = KafkaClientSettings.of(baseKafkaConfig);
        return new Clients(() -> KafkaClients.consumer(kafka, consumerConfig, null, null),
                () -> KafkaClients.producer(kafka, producerConfig, null, null));
    }

    static Map<String, Object> consumerConfig(final Map<String, Object> baseKafkaConfig, final Settings settings) {
        final Map<String, Object> c = new HashMap<>(baseKafkaConfig);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-consumer");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A new group starts at the beginning: nothing already encoded may be skipped.
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxBatch());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // Values are parsed by BatchScorer so an unparseable record becomes a dead letter, not a poll error.
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return Map.copyOf(c);
    }

    static Map<String, Object> producerConfig(final Map<String, Object> baseKafkaConfig, final Settings settings) {
        final Map<String, Object> p = new HashMap<>(baseKafkaConfig);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, settings.transactionalId() + "-producer");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.transactionTimeout().toMillis());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return Map.copyOf(p);
    }

    @Override
    public void run() {
        try {
            awaitRegistry();
            while (running && !conflicted) {
                runSession();
            }
            if (conflicted) {
                // Parked, not ended: a finished thread fails liveness, and a restart would fence the other
                // instance again. Readiness reports the conflict until an operator fixes the setting.
                stopped.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            polling = false;
            finished = true;
            LOG.infof("inference worker %s stopped", settings.transactionalId());
        }
    }

    /** Records are scored by the version that encoded them, so consuming waits until the models are replayed. */
    private void awaitRegistry() throws InterruptedException {
        while (running && !modelsReady.getAsBoolean()) {
            clock.sleep(REGISTRY_POLL);
        }
    }

    /** One consumer and producer pair; returns after a fatal client error (to rebuild both) or on stop. */
    private void runSession() throws InterruptedException {
        Producer<String, byte[]> producer = null;
        KafkaClientMetrics consumerMetrics = null;
        KafkaClientMetrics producerMetrics = null;
        try (Consumer<String, byte[]> c = clients.consumer().get()) {
            consumer = c;
            consumerMetrics = new KafkaClientMetrics(c);
            consumerMetrics.bindTo(metrics.registry());
            c.subscribe(List.of(Topics.ENCODED.name()), new Rebalance());
            producer = newProducer();
            producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(metrics.registry());
            LOG.infof("inference worker %s consuming %s (group %s, batch <= %d, wait <= %s)",
                    settings.transactionalId(), Topics.ENCODED.name(), settings.groupId(), settings.maxBatch(),
                    settings.maxWait());
            while (running && !conflicted) {
                polling = true;
                final List<ConsumerRecord<String, byte[]>> batch = nextBatch(c);
                if (batch.isEmpty()) {
                    continue;
                }
                final Producer<String, byte[]> after = process(c, producer, batch);
                if (after != producer) {
                    producerMetrics.close();
                    producer = after;
                    producerMetrics = new KafkaClientMetrics(producer);
                    producerMetrics.bindTo(metrics.registry());
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.warnf("worker %s woken up while running; restarting its clients", settings.transactionalId());
            }
        } catch (KafkaException e) {
            polling = false;
            LOG.errorf(e, "worker %s: Kafka client error; rebuilding consumer and producer in %s",
                    settings.transactionalId(), RETRY_BACKOFF);
            clock.sleep(RETRY_BACKOFF);
        } catch (RuntimeException e) {
            // A bug, not bad input (bad input becomes dead letters): nothing was committed for the batch, so
            // rebuilding the clients redoes it from the committed offsets; the thread itself stays alive.
            polling = false;
            LOG.errorf(e, "worker %s: unexpected error; rebuilding consumer and producer in %s",
                    settings.transactionalId(), RETRY_BACKOFF);
            clock.sleep(RETRY_BACKOFF);
        } finally {
            polling = false;
            consumer = null;
            buffer.clear();
            if (consumerMetrics != null) {
                consumerMetrics.close();
            }
            if (producerMetrics != null) {
                producerMetrics.close();
            }
            if (producer != null) {
                producer.close(CLOSE_TIMEOUT);
            }
        }
    }

    private Producer<String, byte[]> newProducer() {
        final Producer<String, byte[]> p = clients.producer().get();
        try {
            // Fences any earlier producer with this transactional.id and aborts its open transaction.
            p.initTransactions();
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
        return p;
    }

    /**
     * Fills a batch: waits up to the poll timeout for a first record, then up to {@code maxWait} more for
     * the batch to reach {@code maxBatch}. Records beyond the batch stay buffered for the next one.
     */
    private List<ConsumerRecord<String, byte[]>> nextBatch(final Consumer<String, byte[]> c) {
        final int max = settings.maxBatch();
        long deadline = buffer.isEmpty() ? 0L : clock.nanoTime() + settings.maxWait().toNanos();
        while (running && buffer.size() < max) {
            final Duration timeout;
            if (buffer.isEmpty()) {
                timeout = settings.pollTimeout();
            } else {
                final long left = deadline - clock.nanoTime();
                if (left <= 0) {
                    break;
                }
                timeout = Duration.ofNanos(left);
            }
            // The rebalance listener runs inside poll and drops buffered records of revoked partitions.
            c.poll(timeout).forEach(buffer::add);
            if (buffer.isEmpty()) {
                return List.of();
            }
            if (deadline == 0L) {
                deadline = clock.nanoTime() + settings.maxWait().toNanos();
            }
        }
        final int n = Math.min(max, buffer.size());
        final List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(buffer.subList(0, n));
        buffer.subList(0, n).clear();
        return batch;
    }

    /** One span per batch, linked to each record's trace and current while the batch is scored and committed. */
    private Producer<String, byte[]> process(final Consumer<String, byte[]> c, final Producer<String, byte[]> producer,
                                             final List<ConsumerRecord<String, byte[]>> batch)
            throws InterruptedException {
        final Span span = tracing.startBatch(BATCH_SPAN, () -> batch.stream().map(ConsumerRecord::headers).iterator());
        try (Scope ignored = span.makeCurrent()) {
            return processBatch(c, producer, batch);
        } finally {
            span.end();
        }
    }

    /** Scores and commits one batch; returns the producer to use next (a new one after fencing). */
    private Producer<String, byte[]> processBatch(final Consumer<String, byte[]> c,
                                                  final Producer<String, byte[]> producer,
                                                  final List<ConsumerRecord<String, byte[]>> batch)
            throws InterruptedException {
        final long start = clock.nanoTime();
        final Result result;
        try {
            result = scorer.score(batch, () -> !running);
        } catch (Abandoned e) {
            LOG.infof("worker %s stopping: %d uncommitted records will be consumed again after restart",
                    settings.transactionalId(), batch.size());
            rewind(c);
            return producer;
        }
        final long transactionStart = clock.nanoTime();
        try {
            producer.beginTransaction();
            for (final ProducerRecord<String, byte[]> r : result.records()) {
                // Send errors surface at commitTransaction, which then fails and we abort.
                producer.send(r);
            }
            producer.sendOffsetsToTransaction(nextOffsets(batch), c.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                 | AuthorizationException | UnsupportedVersionException e) {
            // The producer is unusable (another instance took our transactional.id, or a fatal state).
            metrics.transaction("fenced");
            // A second live instance shows as ProducerFenced or InvalidProducerEpoch; so does a transaction the
            // coordinator aborted for outliving transaction.timeout.ms (brokers failing), which is no other
            // instance: a transaction open that long does not count.
            final boolean timedOut = clock.nanoTime() - transactionStart >= settings.transactionTimeout().toNanos();
            if ((e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException) && !timedOut
                    && fencing.fenced(clock.nanoTime())) {
                conflicted = true;
                polling = false;
                buffer.clear();
                LOG.errorf("worker %s: transactional id fenced %d times within %d s: another live instance uses "
                                + "the same transactional id. This instance stops consuming and reports not ready; "
                                + "give every instance its own HOSTNAME or set %s to a value unique per instance, "
                                + "then restart it", settings.transactionalId(), fencing.count(),
                        FencingWatch.WINDOW.toSeconds(), ID_SETTING);
                // The session ends and closes it, and the consumer, which hands the partitions over.
                return producer;
            }
            producer.close(Duration.ZERO);
            LOG.warnf("worker %s: producer fenced or failed fatally (%s); recreating it and rewinding %d records",
                    settings.transactionalId(), e.toString(), batch.size());
            return replaceProducer(c);
        } catch (KafkaException e) {
            metrics.transaction("aborted");
            LOG.warnf("worker %s: transaction failed (%s); aborting and rewinding %d records",
                    settings.transactionalId(), e.toString(), batch.size());
            try {
                producer.abortTransaction();
            } catch (KafkaException abortError) {
                producer.close(Duration.ZERO);
                return replaceProducer(c);
            }
            rewind(c);
            return producer;
        }
        metrics.transaction("committed");
        result.onCommit().forEach(Runnable::run);
        metrics.batch(batch.size(), clock.nanoTime() - start);
        return producer;
    }

    /**
     * A new producer, then the rewind. In this order because initTransactions ends the old producer's open
     * transaction, whose pending offsets would otherwise make the rewind's committed() (read_committed asks
     * for stable offsets) wait until the broker times that transaction out.
     */
    private Producer<String, byte[]> replaceProducer(final Consumer<String, byte[]> c) {
        final Producer<String, byte[]> p = newProducer();
        rewind(c);
        return p;
    }

    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(final List<ConsumerRecord<String, byte[]>> batch) {
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (final ConsumerRecord<String, byte[]> r : batch) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    /** Drops everything buffered and seeks every assigned partition back to its committed offset. */
    private void rewind(final Consumer<String, byte[]> c) {
        buffer.clear();
        final Set<TopicPartition> assigned = c.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        final Map<TopicPartition, OffsetAndMetadata> committed = c.committed(assigned);
        final List<TopicPartition> fromStart = new ArrayList<>();
        for (final TopicPartition tp : assigned) {
            final OffsetAndMetadata om = committed.get(tp);
            if (om == null) {
                fromStart.add(tp);
            } else {
                c.seek(tp, om);
            }
        }
        if (!fromStart.isEmpty()) {
            c.seekToBeginning(fromStart);
        }
    }

    /** Revoked or lost partitions: their buffered records belong to the new owner now. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            LOG.infof("worker %s assigned %s", settings.transactionalId(), partitions);
        }

        private void drop(final Collection<TopicPartition> partitions) {
            final Set<TopicPartition> gone = new HashSet<>(partitions);
            buffer.removeIf(r -> gone.contains(new TopicPartition(r.topic(), r.partition())));
            if (!partitions.isEmpty()) {
                LOG.infof("worker %s gave up %s", settings.transactionalId(), partitions);
            }
        }
    }

    /** True while the loop is polling with healthy clients. */
    public boolean polling() {
        return polling;
    }

    public boolean finished() {
        return finished;
    }

    /** True once the worker stopped consuming because another live instance uses its transactional id. */
    public boolean conflicted() {
        return conflicted;
    }

    public String transactionalId() {
        return settings.transactionalId();
    }

    /** Asks the loop to stop after the batch in hand; a wait for a model ends early and is not committed. */
    public void stop() {
        running = false;
        stopped.countDown();
        final Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
