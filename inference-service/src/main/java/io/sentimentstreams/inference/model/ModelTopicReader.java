package io.sentimentstreams.inference.model;

import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads {@code sentiment.models} from the beginning with a group-less, read_committed consumer and hands
 * every announcement to the {@link ModelRegistry}; tells the registry once it has reached the end offsets
 * seen at start-up, then keeps following the topic for hot swaps.
 */
public final class ModelTopicReader implements Runnable {

    private static final Logger LOG = Logger.getLogger(ModelTopicReader.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final Map<String, Object> kafkaConfig;
    private final ModelRegistry registry;
    private volatile boolean running = true;
    private volatile boolean finished;
    private volatile KafkaConsumer<String, byte[]> consumer;

    public ModelTopicReader(final Map<String, Object> baseKafkaConfig, final ModelRegistry registry) {
        final Map<String, Object> c = new HashMap<>(baseKafkaConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_BYTES);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MODEL_MAX_BYTES);
        // One bundle per poll keeps memory at one archive (plus its unpacked copy) at a time.
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "inference-models-" + Long.toHexString(System.nanoTime()));
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.kafkaConfig = Map.copyOf(c);
        this.registry = registry;
    }

    @Override
    public void run() {
        try {
            followUntilStopped();
        } finally {
            finished = true;
        }
    }

    /** True once the reader thread has ended (stopped, or died of something it could not handle). */
    public boolean finished() {
        return finished;
    }

    private void followUntilStopped() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafkaConfig)) {
                consumer = c;
                follow(c);
            } catch (WakeupException e) {
                if (running) {
                    LOG.warn("models reader woken up unexpectedly; reconnecting");
                }
            } catch (RuntimeException | LinkageError e) {
                if (!running) {
                    break;
                }
                LOG.errorf("reading %s failed (%s); retrying in %s", Topics.MODELS.name(), e.toString(), RETRY);
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } finally {
                consumer = null;
            }
        }
    }

    private void follow(final KafkaConsumer<String, byte[]> c) {
        List<PartitionInfo> infos = c.partitionsFor(Topics.MODELS.name(), Duration.ofSeconds(30));
        while (running && (infos == null || infos.isEmpty())) {
            LOG.warnf("topic %s does not exist yet; waiting for it", Topics.MODELS.name());
            c.poll(RETRY);
            infos = c.partitionsFor(Topics.MODELS.name(), Duration.ofSeconds(30));
        }
        final List<TopicPartition> parts = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        c.assign(parts);
        // Replays everything on every (re)connect: the registry skips versions it already holds.
        c.seekToBeginning(parts);
        final Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
        while (running) {
            for (final ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
                registry.offer(r.key(), r.value(), digestHeader(r));
            }
            if (!registry.caughtUp() && reached(c, end)) {
                registry.markCaughtUp();
            }
        }
    }

    private static boolean reached(final KafkaConsumer<String, byte[]> c, final Map<TopicPartition, Long> end) {
        for (final Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String digestHeader(final ConsumerRecord<String, byte[]> r) {
        final Header h = r.headers().lastHeader(BundleArchive.DIGEST_HEADER);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8).trim();
    }

    public void stop() {
        running = false;
        final KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
