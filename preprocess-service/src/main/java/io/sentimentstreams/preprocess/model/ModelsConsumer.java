package io.sentimentstreams.preprocess.model;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.preprocess.config.PreprocessConfig;
import io.sentimentstreams.topics.Topics;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sentiment.models} in (read from the beginning, committed records only, on its own thread and with
 * its own plain consumer); bundles offered to the {@link ModelRegistry} out. Every replica reads every
 * partition (manual assignment, no group), and the registry is marked caught up once the consumer has
 * reached the end offsets it saw at start-up.
 *
 * <p>Why not a GlobalKTable: bundles are up to {@link Topics#MODEL_MAX_BYTES} and would be copied into a
 * RocksDB store and its restore path for nothing; the topology only needs an immutable (version, vocabulary)
 * pair per language, swapped atomically, which a plain consumer feeding {@link ModelRegistry} gives.
 */
@Singleton
public class ModelsConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ModelsConsumer.class);
    /** Fetch sizes: one full bundle plus room for the batch framing. */
    static final int FETCH_BYTES = Topics.MODEL_MAX_BYTES + 1024 * 1024;

    private final ModelRegistry registry;
    private final PreprocessConfig config;
    private final String bootstrap;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public ModelsConsumer(final ModelRegistry registry, final PreprocessConfig config,
                          @ConfigProperty(name = "kafka.bootstrap.servers") final String bootstrap) {
        this.registry = registry;
        this.config = config;
        this.bootstrap = bootstrap;
    }

    void start(@Observes final StartupEvent event) {
        thread = new Thread(this::run, "preprocess-models-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes final ShutdownEvent event) throws InterruptedException {
        running = false;
        final KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /** Whether the consumer thread is alive (liveness). */
    public boolean isAlive() {
        return thread != null && thread.isAlive();
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(properties(bootstrap),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                consume(c);
            } catch (final WakeupException e) {
                return;
            } catch (final RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.error("models consumer failed, reconnecting in 5 s: {}", e.toString());
                pause(Duration.ofSeconds(5));
            } finally {
                consumer = null;
            }
        }
    }

    private void consume(final KafkaConsumer<String, byte[]> c) {
        final List<TopicPartition> partitions = awaitPartitions(c);
        if (partitions.isEmpty()) {
            return;
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        final Map<TopicPartition, Long> end = c.endOffsets(partitions);
        LOG.info("reading {} from the beginning up to {}", Topics.MODELS.name(), end);
        markIfCaughtUp(c, end);
        while (running) {
            for (final ConsumerRecord<String, byte[]> r : c.poll(config.models().pollTimeout())) {
                registry.offer(r.key(), r.value(), digest(r));
            }
            markIfCaughtUp(c, end);
        }
    }

    private void markIfCaughtUp(final KafkaConsumer<String, byte[]> c, final Map<TopicPartition, Long> end) {
        if (registry.isCaughtUp()) {
            return;
        }
        for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return;
            }
        }
        registry.markCaughtUp();
        LOG.info("models topic read to its end; active models: {}", registry.snapshot().values().stream()
                .map(m -> m.lang() + "=" + m.ref()).toList());
    }

    /** The partitions of the models topic, waiting (and logging) while it does not exist yet. */
    private List<TopicPartition> awaitPartitions(final KafkaConsumer<String, byte[]> c) {
        while (running) {
            final List<PartitionInfo> infos = c.partitionsFor(Topics.MODELS.name(), Duration.ofSeconds(30));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            LOG.warn("topic {} does not exist yet; waiting for it", Topics.MODELS.name());
            pause(Duration.ofSeconds(2));
        }
        return List.of();
    }

    private static String digest(final ConsumerRecord<String, byte[]> r) {
        final Header h = r.headers().lastHeader(BundleArchive.DIGEST_HEADER);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static Properties properties(final String bootstrap) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sentiment-preprocess-models");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
        // A few bundles per poll at most: each may be 64 MB and is unpacked before the next poll.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2");
        return p;
    }

    private void pause(final Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
