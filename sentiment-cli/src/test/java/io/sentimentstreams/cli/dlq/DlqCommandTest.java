package io.sentimentstreams.cli.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.Main;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.testkit.TestBroker;
import io.sentimentstreams.topics.TopicAdmin;
import io.sentimentstreams.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ./sentiment dlq} on a real broker: letters listed and filtered; a replay sends each selected original
 * back to its source topic keyed by its id, once, with the ledger written in the same transaction; a second
 * replay sends nothing; a dry run sends nothing; a letter without its payload is reported, not sent.
 */
class DlqCommandTest {


    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void createTopics() throws Exception {
        TopicAdmin.createAll(TestBroker.bootstrapServers(), (short) 1);
    }

    private int dlq(final String... args) {
        out.reset();
        err.reset();
        final List<String> argv = new ArrayList<>(List.of("dlq"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--bootstrap", TestBroker.bootstrapServers()));
        return Main.run(argv.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void lettersAreListedAndReplayedOnceToTheTopicTheyCameFrom() throws Exception {
        final byte[] a = Json.writeBytes(Review.of("nm-a", "no model yet", null, "t", Instant.now(), Map.of()));
        final byte[] b = Json.writeBytes(Review.of("nm-b", "still none", null, "t", Instant.now(), Map.of()));
        write(DeadLetter.of(Stage.PREPROCESS, Reason.NO_MODEL, "no model", "nm-a", a, Topics.RAW.name(), 0, 1L));
        write(DeadLetter.of(Stage.PREPROCESS, Reason.NO_MODEL, "no model", "nm-b", b, Topics.RAW.name(), 1, 2L));
        write(DeadLetter.of(Stage.INGEST, Reason.INVALID_JSON, "malformed", null,
                "{\"text\": ".getBytes(StandardCharsets.UTF_8), Topics.INBOUND.name(), 0, 3L));
        write(DeadLetter.of(Stage.PREPROCESS, Reason.NO_MODEL, "no model", "nm-c", null, Topics.RAW.name(), 0, 4L));
        // Cut to fit the topic the way ingest's inbound topology cuts: readable, not replayable.
        write(DeadLetter.of(Stage.PREPROCESS, Reason.NO_MODEL, "no model (payload of 9 bytes cut to 4 bytes)", "nm-d",
                "{\"te".getBytes(StandardCharsets.UTF_8), Topics.RAW.name(), 2, 5L).withOriginalLength(9));
        // Written by an older build; still listed.
        write(DeadLetter.of(Stage.PREPROCESS, Reason.DUPLICATE, "seen", "old-dup", a, Topics.RAW.name(), 0, 6L));
        writeRaw("not a dead letter");

        assertThat(dlq("list")).isZero();
        assertThat(stdout().lines()).hasSize(6);
        assertThat(stderr()).contains("6 dead letters").contains("PREPROCESS:NO_MODEL=4")
                .contains("INGEST:INVALID_JSON=1").contains("PREPROCESS:DUPLICATE=1")
                .contains("1 records on " + Topics.DLQ.name() + " are not dead letters this build reads");
        assertThat(dlq("list", "--reason", "invalid_json", "--output", "jsonl")).isZero();
        assertThat(stdout().lines()).singleElement().satisfies(l -> assertThat(l).contains("\"reason\":\"INVALID_JSON\""));
        assertThat(dlq("list", "--since", "PT1H", "--stage", "PREPROCESS")).isZero();
        assertThat(stdout().lines()).hasSize(5);

        assertThat(dlq("replay", "--reason", "NO_MODEL", "--dry-run")).isZero();
        assertThat(stderr()).contains("would replay 2, already replayed 0, cannot replay 2").contains("it has no payload")
                .contains("its payload was cut to fit the dead-letter topic (4 of 9 bytes kept)");
        assertThat(committed(Topics.RAW.name())).isEmpty();

        assertThat(dlq("replay", "--reason", "NO_MODEL")).isZero();
        assertThat(stderr()).contains("replayed 2, already replayed 0, cannot replay 2");
        final List<ConsumerRecord<String, byte[]>> raw = committedAtLeast(Topics.RAW.name(), 2);
        assertThat(raw).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("nm-a", "nm-b");
        assertThat(raw).anySatisfy(r -> {
            assertThat(r.key()).isEqualTo("nm-a");
            assertThat(r.value()).isEqualTo(a);
            assertThat(new String(r.headers().lastHeader(DeadLetterReplay.REPLAY_HEADER).value(), StandardCharsets.UTF_8))
                    .startsWith(Topics.DLQ.name() + "/");
        });
        assertThat(committedAtLeast(Topics.DLQ_REPLAYS.name(), 2)).hasSize(2);

        assertThat(dlq("replay", "--reason", "NO_MODEL")).isZero();
        assertThat(stderr()).contains("replayed 0, already replayed 2, cannot replay 2");
        assertThat(afterSentinels(Topics.RAW.name())).as("a second replay sends nothing")
                .extracting(ConsumerRecord::key).containsExactlyInAnyOrder("nm-a", "nm-b");
    }

    @Test
    void replayWithoutAReasonOrWithABadOneIsAUsageError() {
        assertThat(dlq("replay")).isEqualTo(Command.USAGE);
        assertThat(stderr()).contains("dlq replay needs --reason");
        assertThat(dlq("list", "--reason", "NOPE")).isEqualTo(Command.USAGE);
        assertThat(stderr()).contains("--reason must be one of");
        assertThat(dlq("list", "--since", "yesterday")).isEqualTo(Command.USAGE);
        assertThat(stderr()).contains("--since must be an ISO-8601 instant");
    }

    private static void writeRaw(final String value) throws Exception {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.DLQ.name(), "junk", value)).get();
        }
    }

    /**
     * The committed records of {@code topic} other than sentinels, read once a plain sentinel written now to every
     * partition is visible: a read_committed reader sees it only after every transaction before it has ended, so
     * nothing that was sent before can still show up later.
     */
    private static List<ConsumerRecord<String, byte[]>> afterSentinels(final String topic) throws Exception {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        final int partitions = Topics.REVIEW_PARTITIONS;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < partitions; i++) {
                producer.send(new ProducerRecord<>(topic, i, "sentinel", "sentinel")).get();
            }
        }
        final List<ConsumerRecord<String, byte[]>> all = committedAtLeast(topic, 0);
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ConsumerRecord<String, byte[]>> seen = all;
        while (seen.stream().filter(r -> "sentinel".equals(r.key())).count() < partitions
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = committed(topic);
        }
        assertThat(seen.stream().filter(r -> "sentinel".equals(r.key())).count()).isEqualTo(partitions);
        return seen.stream().filter(r -> !"sentinel".equals(r.key())).toList();
    }

    private static void write(final DeadLetter d) throws Exception {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.DLQ.name(), d.id(), Json.write(d))).get();
        }
    }

    /**
     * The committed records once at least {@code n} are visible: the coordinator writes a transaction's commit
     * markers after it answers the commit, so read_committed readers see the records a moment later.
     */
    private static List<ConsumerRecord<String, byte[]>> committedAtLeast(final String topic, final int n)
            throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<ConsumerRecord<String, byte[]>> records = committed(topic);
        while (records.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(200);
            records = committed(topic);
        }
        return records;
    }

    private static List<ConsumerRecord<String, byte[]>> committed(final String topic) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(300)).forEach(records::add);
            }
        }
        return records;
    }
}
