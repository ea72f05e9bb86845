package io.sentimentstreams.models;

import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.rollout.RolloutRecords;
import io.sentimentstreams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The service's Kafka client settings in; every record of {@code sentiment.models} out to a handler (key,
 * zipped bundle, digest header), on its own thread, from the beginning and then live, plus one call when
 * the end offsets seen at start-up have been reached. Committed records only, every partition assigned
 * (no group: every replica needs every model), and on any client error a new consumer that replays the
 * compacted topic from the beginning (handlers skip what they hold).
 *
 * <p>Not a GlobalKTable or a group subscription: bundles are up to {@link Topics#MODEL_MAX_BYTES}, would be
 * copied into a state store for nothing, and each replica must see all of them.
 */
public final class ModelsTopicFollower implements AutoCloseable {

    /**
     * Receives one record of the models topic with its offset (a key always lands on the same partition, so
     * offsets order the records of one key: a tombstone retires the bundles before it, not a re-publish after
     * it); called on the follower's thread only, one record at a time.
     */
    @FunctionalInterface
    public interface RecordHandler {
        void accept(String key, byte[] archive, String digestHeader, long offset);
    }

    /**
     * One record of the models topic with the headers a rollout reads: a bundle (or tombstone) under
     * {@code name@version}, or a rollout record under {@code rollout:LANG} ({@link RolloutRecords}).
     */
    public record ModelsRecord(String key, byte[] value, String digestHeader, String roleHeader,
                               String percentHeader, long offset) {

        public boolean rollout() {
            return RolloutRecords.isRolloutKey(key);
        }
    }

    /** Receives every record of the models topic, rollout records included; same threading as {@link RecordHandler}. */
    @FunctionalInterface
    public interface Handler {
        void accept(ModelsRecord r);
    }

    /** Fetch sizes: one full bundle plus room for the batch framing. */
    static final int FETCH_BYTES = Topics.MODEL_MAX_BYTES + 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(ModelsTopicFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String name;
    private final Duration pollTimeout;
    private final Handler onRecord;
    private final Runnable onCaughtUp;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile Consumer<String, byte[]> consumer;
    private Thread thread;

    /**
     * @param kafka       the service's Kafka client settings (bootstrap, security, timeouts); group, offsets,
     *                    isolation, fetch sizes and deserializers are set here
     * @param clientId    client id of the consumer, also the name of the thread
     * @param pollTimeout how long one poll waits for new versions
     */
    public ModelsTopicFollower(final Map<String, Object> kafka, final String clientId, final Duration pollTimeout,
                               final RecordHandler onRecord, final Runnable onCaughtUp) {
        this(kafka, clientId, pollTimeout, bundlesOnly(onRecord), onCaughtUp);
    }

    /** As the other constructor, handing on every record with its rollout headers, rollout records included. */
    public ModelsTopicFollower(final Map<String, Object> kafka, final String clientId, final Duration pollTimeout,
                               final Handler onRecord, final Runnable onCaughtUp) {
        this(kafkaConsumers(KafkaClientSettings.of(kafka), consumerConfig(kafka, clientId)), clientId, pollTimeout, onRecord, onCaughtUp);
    }

    /** With any consumer source (tests pass MockConsumers); a new consumer is asked for on every reconnect. */
    ModelsTopicFollower(final Supplier<Consumer<String, byte[]>> consumers, final String name,
                        final Duration pollTimeout, final RecordHandler onRecord, final Runnable onCaughtUp) {
        this(consumers, name, pollTimeout, bundlesOnly(onRecord), onCaughtUp);
    }

    ModelsTopicFollower(final Supplier<Consumer<String, byte[]>> consumers, final String name,
                        final Duration pollTimeout, final Handler onRecord, final Runnable onCaughtUp) {
        this.consumers = consumers;
        this.name = name;
        this.pollTimeout = pollTimeout;
        this.onRecord = onRecord;
        this.onCaughtUp = onCaughtUp;
    }

    /**
     * A reader that serves what encoded each record and routes nothing: rollout records are not bundles and are
     * skipped before any bundle check (which would refuse their key).
     */
    private static Handler bundlesOnly(final RecordHandler h) {
        return r -> {
            if (!r.rollout()) {
                h.accept(r.key(), r.value(), r.digestHeader(), r.offset());
            }
        };
    }

    /** The consumer settings: the service's {@code kafka} minus group and serde keys, plus what following needs. */
    static Map<String, Object> consumerConfig(final Map<String, Object> kafka, final String clientId) {
        final Map<String, Object> c = new HashMap<>(kafka);
        c.keySet().removeIf(k -> k.startsWith("key.") || k.startsWith("value.")
                || k.equals(ConsumerConfig.GROUP_ID_CONFIG) || k.equals("transactional.id"));
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, FETCH_BYTES);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, FETCH_BYTES);
        // One bundle per poll: memory holds one archive (plus its unpacked copy) at a time.
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        return Map.copyOf(c);
    }

    private static Supplier<Consumer<String, byte[]>> kafkaConsumers(final KafkaClientSettings settings,
                                                                     final Map<String, Object> config) {
        return () -> KafkaClients.consumer(settings, config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Starts the follower thread (daemon); call once. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("models topic follower " + name + " already started");
        }
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the follower thread runs (liveness: while it does, new versions will be picked up). */
    public synchronized boolean isAlive() {
        return thread != null && thread.isAlive();
    }

    /** Whether the end offsets seen at start-up have been reached once. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Stops the thread and waits (bounded) for it to close its consumer. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        stopped.countDown();
        final Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        final Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join(STOP_TIMEOUT.toMillis());
            if (t.isAlive()) {
                LOG.warnf("models topic follower %s did not stop within %s", name, STOP_TIMEOUT);
            }
        }
    }

    private void run() {
        while (running) {
            try (Consumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                if (!running) {
                    // close() ran before this consumer was published, so its wakeup could not reach it.
                    return;
                }
                follow(c);
            } catch (WakeupException e) {
                if (running) {
                    LOG.warnf("models topic follower %s woken up unexpectedly; reconnecting", name);
                }
            } catch (RuntimeException | LinkageError e) {
                if (!running) {
                    return;
                }
                LOG.errorf("reading %s failed (%s); reconnecting in %s", Topics.MODELS.name(), e.toString(), RETRY);
                pause(RETRY);
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(final Consumer<String, byte[]> c) {
        final List<TopicPartition> partitions = awaitPartitions(c);
        if (partitions.isEmpty()) {
            return;
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        final Map<TopicPartition, Long> end = c.endOffsets(partitions, METADATA_TIMEOUT);
        LOG.infof("reading %s from the beginning up to %s", Topics.MODELS.name(), end);
        markIfCaughtUp(c, end);
        while (running) {
            for (final ConsumerRecord<String, byte[]> r : c.poll(pollTimeout)) {
                hand(r);
            }
            markIfCaughtUp(c, end);
        }
    }

    private void hand(final ConsumerRecord<String, byte[]> r) {
        try {
            onRecord.accept(new ModelsRecord(r.key(), r.value(), header(r, BundleArchive.DIGEST_HEADER),
                    header(r, RolloutRecords.ROLE_HEADER), header(r, RolloutRecords.PERCENT_HEADER), r.offset()));
        } catch (RuntimeException e) {
            // A handler bug must not replay the topic forever; the record is reported, the next one follows.
            LOG.errorf(e, "models record %s at %s-%s@%s not handled: %s", r.key(), r.topic(), r.partition(), r.offset(),
                    e.toString());
        }
    }

    private static boolean reached(final Consumer<String, byte[]> c, final Map<TopicPartition, Long> end) {
        for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void markIfCaughtUp(final Consumer<String, byte[]> c, final Map<TopicPartition, Long> end) {
        if (caughtUp || !reached(c, end)) {
            return;
        }
        caughtUp = true;
        LOG.infof("%s read to the end offsets seen at start-up", Topics.MODELS.name());
        onCaughtUp.run();
    }

    /** The partitions of the models topic, waiting while it does not exist yet; empty once stopped. */
    private List<TopicPartition> awaitPartitions(final Consumer<String, byte[]> c) {
        boolean warned = false;
        while (running) {
            final List<PartitionInfo> infos = c.partitionsFor(Topics.MODELS.name(), METADATA_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            if (!warned) {
                LOG.warnf("topic %s does not exist yet; waiting for it", Topics.MODELS.name());
                warned = true;
            }
            pause(RETRY);
        }
        return List.of();
    }

    private static String header(final ConsumerRecord<String, byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void pause(final Duration d) {
        try {
            stopped.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
