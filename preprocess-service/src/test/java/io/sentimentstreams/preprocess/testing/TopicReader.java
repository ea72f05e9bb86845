package io.sentimentstreams.preprocess.testing;

import io.sentimentstreams.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A catalogue topic in, its committed records out: reads every partition from the beginning with
 * {@code read_committed} and keeps what it has read, so a test can poll it inside an awaitility condition.
 */
public final class TopicReader<V> implements AutoCloseable {

    private final KafkaConsumer<String, V> consumer;
    private final List<V> values = new ArrayList<>();

    public TopicReader(final String bootstrap, final Topic<String, V> topic) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
        final List<TopicPartition> parts = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Everything read so far, after one more poll. */
    public List<V> poll() {
        for (final ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
            values.add(r.value());
        }
        return List.copyOf(values);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
