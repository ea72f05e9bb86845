package io.sentimentstreams.ingest.rest;

import static org.awaitility.Awaitility.await;

import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.testkit.TestBroker;
import io.sentimentstreams.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads reviews.raw from a marked position with {@code read_committed}, as preprocess-service does, so
 * tests see exactly what the service committed: records of aborted transactions never show.
 */
final class RawTopicProbe implements AutoCloseable {

    private final KafkaConsumer<String, Review> consumer;
    private final List<TopicPartition> partitions;

    RawTopicProbe() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                Topics.RAW.keySerde().deserializer(), Topics.RAW.valueSerde().deserializer());
        partitions = consumer.partitionsFor(Topics.RAW.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
    }

    /** Remembers the current end of every partition; later reads start there. */
    void mark() {
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Everything committed after the mark, read until a record matching {@code last} shows up. */
    List<ConsumerRecord<String, Review>> readUntil(final Predicate<ConsumerRecord<String, Review>> last) {
        final List<ConsumerRecord<String, Review>> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            return seen.stream().anyMatch(last);
        });
        return seen;
    }

    /** Everything committed after the mark up to and including the record with this key. */
    List<ConsumerRecord<String, Review>> readUntilKey(final String key) {
        return readUntil(r -> key.equals(r.key()));
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
