package io.sentimentstreams.preprocess;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.kafka.NativeLz4;
import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.preprocess.testing.BundleFixtures;
import io.sentimentstreams.preprocess.testing.TopicReader;
import io.sentimentstreams.testkit.KafkaTestResource;
import io.sentimentstreams.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The running service against a real Kafka broker: bundles published to {@code sentiment.models}, reviews to
 * {@code reviews.raw}, and what arrives (read_committed) on {@code reviews.encoded} and {@code reviews.dlq},
 * including a version switch without restart. The tests share one application, so they run in order.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreprocessServiceIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static Path tmp;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void setUp() throws IOException {
        tmp = Files.createTempDirectory("preprocess-it-");
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(Topics.MODEL_MAX_BYTES));
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void tearDown() {
        producer.close();
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static void send(final String topic, final String key, final byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }

    private static void publish(final BundleFixtures.Packed bundle, final String digestHeader) {
        final ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.MODELS.name(), bundle.key(),
                bundle.archive());
        r.headers().add(BundleArchive.DIGEST_HEADER, digestHeader.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(r).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("publish failed", e);
        }
    }

    private static void sendReview(final String id, final String text) {
        send(Topics.RAW.name(), id, Json.writeBytes(Review.of(id, text, null, "it", Instant.now(), Map.of())));
    }

    private static String activeRef(final String lang) {
        return given().get("/models").then().statusCode(200).extract().path("active." + lang + ".ref");
    }

    private static List<EncodedReview> encodedWithPrefix(final TopicReader<EncodedReview> reader, final String prefix) {
        return reader.poll().stream().filter(e -> e.id().startsWith(prefix)).toList();
    }

    /** The scrape deploy-validation checks dashboard and alert queries against (MetricNamesTest). */
    @AfterEach
    void dumpMetrics() throws IOException {
        Files.writeString(Path.of("target/metrics-scrape-" + getClass().getSimpleName() + ".txt"), metrics());
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void kafkaUsesTheNativeLz4Codec() {
        // The service runs in Quarkus' class loader, where lz4-java hands Kafka its pure-Java codec unless
        // the service loaded the native one at start-up; it reads reviews.raw and writes reviews.encoded with it.
        assertThat(NativeLz4.describe()).isEqualTo("native (JNI)");
    }

    @Test
    @Order(1)
    void encodesReviewsAndSwitchesToANewVersionWithoutRestart() {
        final BundleFixtures.Packed v1 = BundleFixtures.packed(tmp, "it-en", 1, "en", List.of("great", "movie"));
        publish(v1, v1.digest());
        await().atMost(WAIT).untilAsserted(() -> assertThat(activeRef("en")).isEqualTo("it-en@1"));

        try (TopicReader<EncodedReview> encoded = new TopicReader<>(bootstrap(), Topics.ENCODED)) {
            for (int i = 0; i < 5; i++) {
                sendReview(RUN + "-v1-" + i, "great movie");
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(encodedWithPrefix(encoded, RUN + "-v1-")).hasSize(5));
            assertThat(encodedWithPrefix(encoded, RUN + "-v1-")).allSatisfy(e -> {
                assertThat(e.modelRef()).isEqualTo("it-en@1");
                assertThat(e.ids()).hasSize(BundleFixtures.MAXLEN).endsWith(2, 3);
                assertThat(e.lang()).isEqualTo(Lang.EN);
            });

            final BundleFixtures.Packed v2 = BundleFixtures.packed(tmp, "it-en", 2, "en", List.of("movie", "awful", "great"));
            publish(v2, v2.digest());
            await().atMost(WAIT).untilAsserted(() -> assertThat(activeRef("en")).isEqualTo("it-en@2"));
            for (int i = 0; i < 5; i++) {
                sendReview(RUN + "-v2-" + i, "great movie");
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(encodedWithPrefix(encoded, RUN + "-v2-")).hasSize(5));
            assertThat(encodedWithPrefix(encoded, RUN + "-v2-")).allSatisfy(e -> {
                assertThat(e.modelRef()).isEqualTo("it-en@2");
                assertThat(e.ids()).endsWith(4, 2);
            });
            assertThat(encodedWithPrefix(encoded, RUN + "-v")).hasSize(10);
        }

        final String metrics = metrics();
        assertThat(metrics).containsPattern("sentiment_preprocess_records_total\\{[^}]*version=\"2\"[^}]*\\} 5\\.0");
        assertThat(metrics).containsPattern("sentiment_preprocess_model_version\\{[^}]*lang=\"en\"[^}]*\\} 2\\.0");
        assertThat(metrics).contains("sentiment_preprocess_oov_ratio_bucket", "sentiment_preprocess_tokens_count",
                "sentiment_preprocess_latency_seconds");
        assertThat(metrics).contains("kafka_stream_");
    }

    @Test
    @Order(2)
    void bundleFailingItsChecksumIsRefusedAndTheOldVersionKeepsServing() {
        final BundleFixtures.Packed v3 = BundleFixtures.packed(tmp, "it-en", 3, "en", List.of("great"));
        publish(v3, "0".repeat(64));
        await().atMost(WAIT).untilAsserted(() -> assertThat(metrics())
                .containsPattern("sentiment_preprocess_models_refused_total\\{[^}]*reason=\"CHECKSUM_MISMATCH\"[^}]*\\} 1\\.0"));
        assertThat(activeRef("en")).isEqualTo("it-en@2");

        try (TopicReader<EncodedReview> encoded = new TopicReader<>(bootstrap(), Topics.ENCODED)) {
            sendReview(RUN + "-after-refusal", "great movie");
            await().atMost(WAIT).untilAsserted(() -> assertThat(encodedWithPrefix(encoded, RUN + "-after-refusal"))
                    .singleElement().extracting(EncodedReview::modelRef).isEqualTo("it-en@2"));
        }
    }

    @Test
    @Order(3)
    void malformedRawRecordGoesToTheDeadLetterTopicAndTheStreamGoesOn() {
        final String badId = RUN + "-malformed";
        try (TopicReader<DeadLetter> dlq = new TopicReader<>(bootstrap(), Topics.DLQ);
             TopicReader<EncodedReview> encoded = new TopicReader<>(bootstrap(), Topics.ENCODED)) {
            send(Topics.RAW.name(), badId, "{\"text\": oops".getBytes(StandardCharsets.UTF_8));
            sendReview(RUN + "-after-malformed", "great");

            await().atMost(WAIT).untilAsserted(() -> assertThat(dlq.poll()).filteredOn(d -> badId.equals(d.id()))
                    .singleElement().satisfies(d -> {
                        assertThat(d.stage()).isEqualTo(Stage.PREPROCESS);
                        assertThat(d.reason()).isEqualTo(Reason.UNPARSEABLE_RECORD);
                        assertThat(d.payload()).isEqualTo("{\"text\": oops");
                        assertThat(d.sourceTopic()).isEqualTo(Topics.RAW.name());
                        assertThat(d.offset()).isNotNull();
                    }));
            await().atMost(WAIT).untilAsserted(() -> assertThat(encodedWithPrefix(encoded, RUN + "-after-malformed"))
                    .hasSize(1));
        }
        assertThat(metrics()).containsPattern(
                "sentiment_preprocess_dlq_total\\{[^}]*reason=\"UNPARSEABLE_RECORD\"[^}]*stage=\"PREPROCESS\"[^}]*\\} 1\\.0");
    }

    @Test
    @Order(4)
    void koreanReviewWithoutAKoreanModelIsDeadLetteredAsNoModel() {
        final String id = RUN + "-ko";
        try (TopicReader<DeadLetter> dlq = new TopicReader<>(bootstrap(), Topics.DLQ)) {
            sendReview(id, "배우들 연기가 정말 훌륭했어요");
            await().atMost(WAIT).untilAsserted(() -> assertThat(dlq.poll()).filteredOn(d -> id.equals(d.id()))
                    .singleElement().extracting(DeadLetter::reason).isEqualTo(Reason.NO_MODEL));
        }
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    @Order(5)
    void retiringTheActiveVersionRollsBackToTheNewestLiveOne() {
        send(Topics.MODELS.name(), "it-en@2", null);
        await().atMost(WAIT).untilAsserted(() -> assertThat(activeRef("en")).isEqualTo("it-en@1"));
        assertThat(metrics()).containsPattern(
                "sentiment_preprocess_models_retired_total\\{[^}]*model=\"it-en\"[^}]*\\} 1\\.0");
        assertThat(metrics()).containsPattern("sentiment_preprocess_model_version\\{[^}]*lang=\"en\"[^}]*\\} 1\\.0");
        try (TopicReader<EncodedReview> encoded = new TopicReader<>(bootstrap(), Topics.ENCODED)) {
            sendReview(RUN + "-after-retire", "great movie");
            await().atMost(WAIT).untilAsserted(() -> assertThat(encodedWithPrefix(encoded, RUN + "-after-retire"))
                    .singleElement().satisfies(e -> {
                        assertThat(e.modelRef()).isEqualTo("it-en@1");
                        assertThat(e.ids()).endsWith(2, 3);
                    }));
        }
        given().get("/q/health/ready").then().statusCode(200);
    }
}
