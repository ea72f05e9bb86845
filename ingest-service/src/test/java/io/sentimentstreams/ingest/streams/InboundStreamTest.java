package io.sentimentstreams.ingest.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sentimentstreams.kafka.NativeLz4;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.ingest.MetricsScrapeDumping;
import io.sentimentstreams.testkit.KafkaTestResource;
import io.sentimentstreams.testkit.TestBroker;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The running service's reviews.inbound topology on the real broker, read back with read_committed. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class InboundStreamTest extends MetricsScrapeDumping {


    private static void produce(final String marker, final byte[]... values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"),
                Topics.INBOUND.keySerde().serializer(), Topics.INBOUND.valueSerde().serializer())) {
            for (final byte[] value : values) {
                producer.send(new ProducerRecord<>(Topics.INBOUND.name(), marker.getBytes(StandardCharsets.UTF_8),
                        value)).get();
            }
        }
    }

    private static <V> List<ConsumerRecord<String, V>> readUntil(final Topic<String, V> topic,
                                                                final Predicate<List<ConsumerRecord<String, V>>> done) {
        final List<ConsumerRecord<String, V>> seen = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "inbound-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                consumer.poll(Duration.ofMillis(300)).forEach(seen::add);
                return done.test(seen);
            });
        }
        return seen;
    }

    @Test
    void kafkaUsesTheNativeLz4Codec() {
        // The service runs in Quarkus' class loader, where lz4-java hands Kafka its pure-Java codec unless
        // the service loaded the native one at start-up; its producers compress reviews.raw with it.
        assertThat(NativeLz4.describe()).isEqualTo("native (JNI)");
    }

    @Test
    void validInboundRecordIsCommittedToRawKeyedByItsId() throws Exception {
        final String id = "inbound-" + UUID.randomUUID();
        produce(id, ("{\"id\":\"" + id + "\",\"text\":\"A gripping story.\",\"lang\":\"en\",\"source\":\"kafka\"}")
                .getBytes(StandardCharsets.UTF_8));
        final List<ConsumerRecord<String, Review>> records = readUntil(Topics.RAW,
                seen -> seen.stream().anyMatch(r -> id.equals(r.key())));
        final Review review = records.stream().filter(r -> id.equals(r.key())).findFirst().orElseThrow().value();
        assertThat(review.text()).isEqualTo("A gripping story.");
        assertThat(review.source()).isEqualTo("kafka");
        assertThat(records.stream().filter(r -> id.equals(r.key()))).as("written exactly once").hasSize(1);
    }

    @Test
    void malformedInboundRecordsAreDeadLetteredWithReasonAndNeverReachRaw() throws Exception {
        final String marker = UUID.randomUUID().toString();
        final String malformed = "{\"text\": \"" + marker + " unterminated";
        final String tooLong = "{\"id\":\"" + marker + "\",\"text\":\"" + "x".repeat(2_001) + "\"}";
        final String unknownField = "{\"id\":\"" + marker + "-u\",\"text\":\"ok\",\"stars\":5}";
        final String after = "after-" + marker;
        produce(marker, malformed.getBytes(StandardCharsets.UTF_8), tooLong.getBytes(StandardCharsets.UTF_8),
                unknownField.getBytes(StandardCharsets.UTF_8),
                ("{\"id\":\"" + after + "\",\"text\":\"valid after the bad ones\"}").getBytes(StandardCharsets.UTF_8));

        final List<ConsumerRecord<String, DeadLetter>> letters = readUntil(Topics.DLQ, seen -> seen.stream()
                .filter(r -> r.value().payload() != null && r.value().payload().contains(marker)).count() >= 3);
        final List<DeadLetter> mine = letters.stream().map(ConsumerRecord::value)
                .filter(l -> l.payload() != null && l.payload().contains(marker)).toList();
        assertThat(mine).extracting(DeadLetter::reason)
                .containsExactly(Reason.INVALID_JSON, Reason.TEXT_TOO_LONG, Reason.UNKNOWN_FIELD);
        assertThat(mine).allSatisfy(letter -> {
            assertThat(letter.stage()).isEqualTo(Stage.INGEST);
            assertThat(letter.sourceTopic()).isEqualTo(Topics.INBOUND.name());
            assertThat(letter.partition()).isNotNull();
            assertThat(letter.offset()).isNotNull();
        });
        assertThat(mine.get(0).payload()).isEqualTo(malformed);

        final List<ConsumerRecord<String, Review>> raw = readUntil(Topics.RAW,
                seen -> seen.stream().anyMatch(r -> after.equals(r.key())));
        assertThat(raw).noneMatch(r -> r.key().startsWith(marker));
    }
}
