package io.sentimentstreams.cli.run;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code reviews.labeled} and {@code reviews.dlq} with {@code read_committed} from the beginning
 * on its own thread, keeping every labeled review by id (duplicates counted) and every dead letter,
 * and handing each new labeled review to a listener as it arrives.
 */
public final class ResultCollector implements AutoCloseable {

    private final Map<String, LabeledReview> labeled = new ConcurrentHashMap<>();
    private final Map<String, Integer> labeledTimes = new ConcurrentHashMap<>();
    /** Per topic-partition, the offset after the last record read (only the collector thread writes it). */
    private final Map<String, Long> nextOffset = new java.util.HashMap<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final List<String> unreadable = new CopyOnWriteArrayList<>();
    /** System.nanoTime() when each id was first seen labeled, in arrival order. */
    private final List<Long> labeledArrivals = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    public ResultCollector(final String bootstrap, final Consumer<LabeledReview> onLabeled,
                           final Consumer<DeadLetter> onDeadLetter) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final KafkaConsumer<String, byte[]> consumer = KafkaClients.consumer(KafkaClientSettings.forBootstrap(bootstrap),
                props, new StringDeserializer(),
                new ByteArrayDeserializer());
        // Assigned, not subscribed: a group member that loses its group (the broker restarts, the
        // coordinator moves) resets to the earliest offset with nothing committed and reads everything again,
        // which would count as duplicates that are not in the topic.
        final List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
        for (final String topic : List.of(Topics.LABELED.name(), Topics.DLQ.name())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(60)).forEach(
                    p -> partitions.add(new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(() -> {
            try (consumer) {
                while (running.get()) {
                    for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        handle(r, onLabeled, onDeadLetter);
                    }
                }
            }
        }, "result-collector");
        thread.setDaemon(true);
        thread.start();
    }

    private void handle(final ConsumerRecord<String, byte[]> r, final Consumer<LabeledReview> onLabeled,
                        final Consumer<DeadLetter> onDeadLetter) {
        // A record at an offset already read is a re-delivery to this reader, not a second record.
        final String partition = r.topic() + "-" + r.partition();
        final Long next = nextOffset.get(partition);
        if (next != null && r.offset() < next) {
            return;
        }
        nextOffset.put(partition, r.offset() + 1);
        try {
            if (r.topic().equals(Topics.LABELED.name())) {
                final LabeledReview review = Json.read(r.value(), LabeledReview.class);
                if (labeledTimes.merge(review.id(), 1, Integer::sum) == 1) {
                    labeledArrivals.add(System.nanoTime());
                    labeled.put(review.id(), review);
                    onLabeled.accept(review);
                }
            } else {
                final DeadLetter letter = Json.read(r.value(), DeadLetter.class);
                deadLetters.add(letter);
                onDeadLetter.accept(letter);
            }
        } catch (RuntimeException e) {
            unreadable.add(r.topic() + "@" + r.partition() + ":" + r.offset() + " " + e.getMessage());
        }
    }

    public Map<String, LabeledReview> labeled() {
        return labeled;
    }

    /** Ids labeled more than once (must stay empty: exactly-once). */
    public List<String> duplicates() {
        final List<String> out = new ArrayList<>();
        labeledTimes.forEach((id, n) -> {
            if (n > 1) {
                out.add(id);
            }
        });
        return out;
    }

    /** How many of {@code accepted} ids have been labeled or dead-lettered so far. */
    public int settled(final java.util.Set<String> accepted) {
        final java.util.Set<String> dead = new java.util.HashSet<>();
        deadLetters.forEach(d -> {
            if (d.id() != null) {
                dead.add(d.id());
            }
        });
        int n = 0;
        for (final String id : accepted) {
            if (labeled.containsKey(id) || dead.contains(id)) {
                n++;
            }
        }
        return n;
    }

    /**
     * The longest stretch, in seconds, between {@code fromNanos} and {@code toNanos} (System.nanoTime) in
     * which no new review was labeled although more were still to come: the gap before the first arrival
     * and the gaps between arrivals, not the idle time after the last one (the whole window when nothing
     * arrived). Reviews that never arrive are the lost count's business.
     */
    public double longestStall(final long fromNanos, final long toNanos) {
        synchronized (labeledArrivals) {
            return longestStall(labeledArrivals, fromNanos, toNanos);
        }
    }

    /** {@link #longestStall(long, long)} over the given arrival times (System.nanoTime, in arrival order). */
    public static double longestStall(final List<Long> arrivals, final long fromNanos, final long toNanos) {
        long previous = fromNanos;
        long longest = 0;
        for (final long t : arrivals) {
            if (t < fromNanos || t > toNanos) {
                continue;
            }
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        if (previous == fromNanos) {
            longest = toNanos - fromNanos;
        }
        return Math.round(longest / 1e8) / 10.0;
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    public List<String> unreadable() {
        return List.copyOf(unreadable);
    }

    /**
     * The model version that encoded each review on {@code reviews.encoded} whose key starts with
     * {@code keyPrefix}, read with {@code read_committed} until the topic has been quiet for 3 seconds.
     */
    public static Map<String, Integer> encodedVersions(final String bootstrap, final String keyPrefix) {
        final Map<String, Integer> versions = new java.util.HashMap<>();
        records(bootstrap, Topics.ENCODED, keyPrefix).forEach((id, all) ->
                versions.put(id, all.get(all.size() - 1).modelVersion()));
        return versions;
    }

    /**
     * Every record of {@code topic} whose key starts with {@code keyPrefix}, by key in topic order, read from the
     * beginning with {@code read_committed} until the topic has been quiet for 3 seconds (at most 2 minutes).
     */
    public static <V> Map<String, List<V>> records(final String bootstrap,
                                                   final io.sentimentstreams.topics.Topic<String, V> topic,
                                                   final String keyPrefix) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "sentiment-topic-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final Map<String, List<V>> out = new java.util.HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.consumer(
                KafkaClientSettings.forBootstrap(bootstrap), props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic.name()));
            int idle = 0;
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
            while (idle < 6 && System.nanoTime() < deadline) {
                final var records = consumer.poll(Duration.ofMillis(500));
                idle = records.isEmpty() ? idle + 1 : 0;
                for (final ConsumerRecord<String, byte[]> r : records) {
                    if (r.key() != null && r.key().startsWith(keyPrefix)) {
                        out.computeIfAbsent(r.key(), k -> new ArrayList<>())
                                .add(topic.valueSerde().deserializer().deserialize(topic.name(), r.value()));
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5000);
    }
}
