package io.sentimentstreams.topics;

import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One topic read once, {@code read_committed}, from its beginning to the end offsets of the moment the scan
 * starts: every record in partition order to a callback (String keys, byte values), without a consumer group.
 * Tools that need "what the topic holds now" (the models on {@code sentiment.models}, the dead letters, the
 * replay ledger) read through it.
 */
public final class TopicScan {

    private TopicScan() {
    }

    /**
     * As {@link #readAll(KafkaClientSettings, Properties, String, Duration, Consumer)} with this process's settings
     * ({@link KafkaClientSettings#forBootstrap}) on the {@code bootstrap.servers} named in {@code client}.
     */
    public static boolean readAll(final Properties client, final String topic, final Duration timeout,
                                  final Consumer<ConsumerRecord<String, byte[]>> each) throws IOException {
        return readAll(KafkaClientSettings.forBootstrap(client.getProperty(KafkaClientSettings.BOOTSTRAP)), client,
                topic, timeout, each);
    }

    /**
     * Reads {@code topic} connecting with {@code settings}, with the consumer settings in {@code client} (fetch
     * sizes for large records); returns false, having read nothing, when the topic does not exist.
     */
    public static boolean readAll(final KafkaClientSettings settings, final Properties client, final String topic,
                                  final Duration timeout,
                                  final Consumer<ConsumerRecord<String, byte[]>> each) throws IOException {
        final Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(settings, p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final var infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return false;
            }
            final List<TopicPartition> parts = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("timed out reading " + topic + " to its end");
                }
                c.poll(Duration.ofMillis(500)).forEach(each);
            }
            return true;
        } catch (KafkaException e) {
            throw new IOException("cannot read " + topic + ": " + e.getMessage(), e);
        }
    }
}
