package io.sentimentstreams.ingest.kafka;

import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.ingest.config.IngestConfig;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.kafka.StageTimes;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.tracing.RecordTracing;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * Writes the reviews of one HTTP request to {@code reviews.raw} in one Kafka transaction (idempotent,
 * {@code acks=all}) and returns only after the commit is acknowledged, so a batch is all-or-nothing and
 * no review is reported accepted that a {@code read_committed} reader will not see. A small pool of
 * transactional producers lets requests commit in parallel; every blocking call is bounded by
 * {@code sentiment.ingest.kafka.timeout}.
 */
@ApplicationScoped
public class RawWriter {

    private static final Logger LOG = Logger.getLogger(RawWriter.class);
    /** After a failed write, requests that find no free producer are told 503 rather than 429 for this long. */
    private static final long TROUBLE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final KafkaClientSettings kafka;
    private final IngestConfig.Kafka settings;
    private final String instanceId;
    private final BlockingQueue<Slot> idle;
    private final RecordTracing tracing;
    private volatile long lastFailureNanos;
    private volatile boolean failing;

    /** @param kafka the service's {@code kafka.*} configuration: bootstrap and security of every producer */
    @Inject
    public RawWriter(final IngestConfig config,
                     @Identifier("default-kafka-broker") final Map<String, Object> kafka,
                     final RecordTracing tracing) {
        this.tracing = tracing;
        this.kafka = KafkaClientSettings.of(kafka);
        this.settings = config.kafka();
        this.instanceId = settings.instanceId().orElseGet(RawWriter::hostName);
        final int size = Math.max(1, settings.producers());
        this.idle = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            idle.add(new Slot(settings.transactionalIdPrefix() + "-http-" + instanceId + "-" + i));
        }
    }

    /** Connects the producers in the background so the first requests do not pay for it. */
    void warmUp(@Observes final StartupEvent event) {
        final Thread warm = new Thread(this::initIdleProducers, "ingest-producer-warm-up");
        warm.setDaemon(true);
        warm.start();
    }

    void stop(@Observes final ShutdownEvent event) {
        Slot slot;
        while ((slot = idle.poll()) != null) {
            slot.discard(Duration.ofSeconds(2));
        }
    }

    /**
     * Writes all reviews, keyed by id, in one transaction; returns after the commit is acknowledged. With tracing
     * on, each record carries the current span (the request's write span) in its {@code traceparent} header.
     *
     * @throws WriteFailedException when nothing was committed: the caller answers 503 (or 429 when busy)
     */
    public void write(final List<Review> reviews) throws WriteFailedException {
        final Slot slot = take();
        try {
            final Producer<String, Review> producer = slot.producer();
            producer.beginTransaction();
            final Context trace = Context.current();
            for (final Review review : reviews) {
                // RAW is the hand-over to the producer; the commit below counts in the next hop, raw_to_encoded.
                final StageTimes times = StageTimes.received(StageTimes.Channel.HTTP, review.receivedAt())
                        .at(StageTimes.Point.RAW, Instant.now());
                final ProducerRecord<String, Review> record = new ProducerRecord<>(Topics.RAW.name(), null, review.id(),
                        review, times.toHeaders());
                tracing.inject(trace, record.headers());
                producer.send(record);
            }
            producer.commitTransaction();
            failing = false;
        } catch (ProducerFencedException e) {
            LOG.errorf("producer %s was fenced: another ingest instance uses instance id '%s'; set "
                    + "SENTIMENT_INGEST_KAFKA_INSTANCE_ID to a unique value", slot.transactionalId, instanceId);
            throw failed(slot, e);
        } catch (KafkaException | IllegalStateException e) {
            throw failed(slot, e);
        } finally {
            idle.add(slot);
        }
    }

    /** True while the most recent write failed within the last 30 s: the broker is the bottleneck. */
    public boolean brokerTrouble() {
        return failing && System.nanoTime() - lastFailureNanos < TROUBLE_WINDOW_NANOS;
    }

    public String instanceId() {
        return instanceId;
    }

    private Slot take() throws WriteFailedException {
        try {
            final Slot slot = idle.poll(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (slot == null) {
                throw new WriteFailedException(brokerTrouble() ? WriteFailedException.Cause.BROKER_UNAVAILABLE
                        : WriteFailedException.Cause.BUSY, "no producer became free in " + settings.timeout(), null);
            }
            return slot;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WriteFailedException(WriteFailedException.Cause.BUSY, "interrupted", e);
        }
    }

    /**
     * A failed transaction leaves the producer in an unknown state; closing it without waiting and
     * starting a fresh one (same transactional.id, which aborts the open transaction) is bounded, where
     * abortTransaction could block again on a dead broker.
     */
    private WriteFailedException failed(final Slot slot, final RuntimeException e) {
        failing = true;
        lastFailureNanos = System.nanoTime();
        slot.discard(Duration.ZERO);
        LOG.warnf("write to %s failed (%s: %s); answering 503", Topics.RAW.name(), e.getClass().getSimpleName(),
                e.getMessage());
        return new WriteFailedException(WriteFailedException.Cause.BROKER_UNAVAILABLE,
                "the broker did not acknowledge the write", e);
    }

    private void initIdleProducers() {
        final int size = idle.size();
        for (int i = 0; i < size; i++) {
            final Slot slot = idle.poll();
            if (slot == null) {
                return;
            }
            try {
                slot.producer();
            } catch (KafkaException | IllegalStateException e) {
                slot.discard(Duration.ZERO);
                LOG.warnf("could not connect producer %s yet (%s); will retry on the next request",
                        slot.transactionalId, e.getMessage());
                idle.add(slot);
                return;
            }
            idle.add(slot);
        }
    }

    private Map<String, Object> producerConfig(final String transactionalId) {
        final long timeoutMs = settings.timeout().toMillis();
        final Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, settings.compression());
        // commitTransaction flushes at once, so lingering would only add latency
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        // a crashed instance's open transaction blocks read_committed readers until this expires
        // (unless the instance restarts under the same instance id, which aborts it at once)
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Math.max(10_000, 3 * timeoutMs));
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        return config;
    }

    private static String hostName() {
        final String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** One transactional.id and, once connected, its producer. */
    private final class Slot {

        private final String transactionalId;
        private Producer<String, Review> producer;

        Slot(final String transactionalId) {
            this.transactionalId = transactionalId;
        }

        Producer<String, Review> producer() {
            if (producer == null) {
                final KafkaProducer<String, Review> created = KafkaClients.producer(kafka, producerConfig(transactionalId),
                        Topics.RAW.keySerde().serializer(), Topics.RAW.valueSerde().serializer());
                try {
                    created.initTransactions();
                } catch (KafkaException | IllegalStateException e) {
                    created.close(Duration.ZERO);
                    throw e;
                }
                producer = created;
            }
            return producer;
        }

        void discard(final Duration wait) {
            if (producer != null) {
                try {
                    producer.close(wait);
                } catch (KafkaException e) {
                    LOG.debugf("closing producer %s: %s", transactionalId, e.getMessage());
                }
                producer = null;
            }
        }
    }
}
