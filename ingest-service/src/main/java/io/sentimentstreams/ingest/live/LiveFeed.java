package io.sentimentstreams.ingest.live;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.topics.Topics;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * The one consumer of {@code reviews.labeled} per ingest JVM ({@code read_committed}, no group, from the end
 * of every partition at the moment it starts) and the open streams it fans each committed result out to. It
 * starts with the first subscriber and runs until shutdown; handing a result to a client never blocks (see
 * {@link LiveClient}), so one slow client cannot hold the others back.
 */
@ApplicationScoped
public class LiveFeed {

    private static final Logger LOG = Logger.getLogger(LiveFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long RETRY_MILLIS = 1000;

    private final KafkaClientSettings kafka;
    private final LiveConfig config;
    private final LiveMetrics metrics;
    private final Vertx vertx;
    private final Set<LiveClient> clients = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> positioned = new CompletableFuture<>();
    private KafkaConsumer<String, LabeledReview> consumer;
    private Thread thread;
    private long heartbeatTimer = -1;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    /** @param kafka the service's {@code kafka.*} configuration: bootstrap and security of the consumer */
    public LiveFeed(@Identifier("default-kafka-broker") final Map<String, Object> kafka,
                    final LiveConfig config, final LiveMetrics metrics, final Vertx vertx) {
        this.kafka = KafkaClientSettings.of(kafka);
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    /**
     * Registers a client unless {@code max-clients} are open; returns null when full, else a stage that
     * completes once the consumer knows where the end of the topic is (at once after the first subscriber).
     */
    synchronized CompletionStage<Void> add(final LiveClient client) {
        if (!running || clients.size() >= config.maxClients()) {
            return null;
        }
        clients.add(client);
        metrics.connected();
        start();
        // A copy: the caller's timeout must fail its own wait, not the feed's one positioning for every later client.
        return positioned.copy();
    }

    void remove(final LiveClient client) {
        if (clients.remove(client)) {
            metrics.disconnected();
        }
    }

    private void start() {
        if (thread != null) {
            return;
        }
        final Properties p = new Properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sentiment-ingest-live");
        consumer = KafkaClients.consumer(kafka, p, Topics.LABELED.keySerde().deserializer(),
                Topics.LABELED.valueSerde().deserializer());
        thread = new Thread(this::run, "ingest-live-feed");
        thread.setDaemon(true);
        thread.start();
        heartbeatTimer = vertx.setPeriodic(Math.max(100, config.heartbeat().toMillis()),
                t -> clients.forEach(LiveClient::heartbeat));
    }

    private void run() {
        List<TopicPartition> assigned = List.of();
        try (KafkaConsumer<String, LabeledReview> c = consumer) {
            while (running) {
                try {
                    if (assigned.isEmpty()) {
                        assigned = positionAtEnd(c);
                        if (assigned.isEmpty()) {
                            pause();
                        }
                        continue;
                    }
                    for (final ConsumerRecord<String, LabeledReview> r : c.poll(POLL)) {
                        dispatch(r.value());
                    }
                } catch (RecordDeserializationException e) {
                    LOG.warnf("live feed skips an unreadable record on %s at offset %d", e.topicPartition(), e.offset());
                    c.seek(e.topicPartition(), e.offset() + 1);
                } catch (WakeupException e) {
                    // shutdown
                } catch (KafkaException e) {
                    LOG.warnf("live feed cannot read %s (%s); retrying", Topics.LABELED, e.getMessage());
                    pause();
                } catch (IllegalStateException | IllegalArgumentException e) {
                    // The one feed of every stream must not end on one bad moment; streams keep their connections.
                    LOG.errorf(e, "live feed failed; retrying");
                    assigned = List.of();
                    pause();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "live feed stopped");
            positioned.completeExceptionally(e);
        }
    }

    /** Waits before the next attempt; returns at once when the service stops. */
    private void pause() throws InterruptedException {
        stopped.await(RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Assigns every partition and resolves its end offset; an empty list when the topic is not there yet. */
    private List<TopicPartition> positionAtEnd(final KafkaConsumer<String, LabeledReview> c) {
        final Duration timeout = config.connectTimeout();
        final var infos = c.partitionsFor(Topics.LABELED.name(), timeout);
        if (infos == null || infos.isEmpty()) {
            LOG.debugf("live feed: %s does not exist yet", Topics.LABELED);
            return List.of();
        }
        final List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition()))
                .toList();
        c.assign(parts);
        c.seekToEnd(parts);
        // seekToEnd is lazy: resolve it now, so whatever is committed after a subscriber registered reaches it
        parts.forEach(tp -> c.position(tp, timeout));
        positioned.complete(null);
        LOG.infof("live feed following %s (%d partitions) from its end", Topics.LABELED, parts.size());
        return parts;
    }

    private void dispatch(final LabeledReview review) {
        if (review == null || clients.isEmpty()) {
            return;
        }
        final byte[] frame = LiveClient.frame(review);
        for (final LiveClient client : clients) {
            client.offer(review, frame);
        }
    }

    /**
     * Ends every stream and refuses new ones. Runs in Quarkus's pre-shutdown phase, before the HTTP server waits
     * for running requests to finish (quarkus.shutdown.timeout): an open stream never finishes by itself.
     */
    void endStreams(@Observes final ShutdownDelayInitiatedEvent event) {
        synchronized (this) {
            running = false;
        }
        List.copyOf(clients).forEach(LiveClient::close);
    }

    void stop(@Observes final ShutdownEvent event) {
        endStreams(null);
        stopped.countDown();
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        if (thread != null && thread.isAlive()) {
            // wakeup, not interrupt: an interrupted consumer cannot close its fetch sessions cleanly
            consumer.wakeup();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
