package io.sentimentstreams.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.preprocess.testing.BundleFixtures;
import io.sentimentstreams.preprocess.testing.TopicReader;
import io.sentimentstreams.testkit.KafkaTestResource;
import io.sentimentstreams.topics.Topics;
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
import org.junit.jupiter.api.Test;

/**
 * Idempotency by review id (on by default) on the real broker: the persistent window store and its changelog
 * work under exactly-once, a repeat of a review (same id, same text) is dropped and counted, the same id with
 * another text goes to the DLQ as {@code ID_CONFLICT}, other ids pass.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@TestProfile(PreprocessDedupIntegrationTest.DedupOn.class)
class PreprocessDedupIntegrationTest {

    /** The default (idempotency on), under its own application id so it keeps its own offsets and store. */
    public static class DedupOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sentiment.preprocess.dedup.enabled", "true",
                    "quarkus.kafka-streams.application-id", "sentiment-preprocess-dedup-it");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void repeatIsDroppedAndCountedAndAnIdWithAnotherTextIsAConflict() throws Exception {
        final String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(Topics.MODEL_MAX_BYTES));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer());
             TopicReader<EncodedReview> encoded = new TopicReader<>(bootstrap, Topics.ENCODED);
             TopicReader<DeadLetter> dlq = new TopicReader<>(bootstrap, Topics.DLQ)) {
            final BundleFixtures.Packed model = BundleFixtures.packed(Files.createTempDirectory("dedup-it-"),
                    "dedup-en-" + run, 1, "en", List.of("fine"));
            final ProducerRecord<String, byte[]> bundle = new ProducerRecord<>(Topics.MODELS.name(), model.key(),
                    model.archive());
            bundle.headers().add(BundleArchive.DIGEST_HEADER, model.digest().getBytes(StandardCharsets.UTF_8));
            producer.send(bundle).get(30, TimeUnit.SECONDS);
            // Wait until this model serves English, so the first copy is encoded rather than dead-lettered.
            final String probe = run + "-probe";
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                producer.send(review(probe + System.nanoTime(), probe)).get(30, TimeUnit.SECONDS);
                assertThat(encoded.poll()).anySatisfy(e -> {
                    assertThat(e.id()).startsWith(probe);
                    assertThat(e.model()).isEqualTo("dedup-en-" + run);
                });
            });

            final double repeatsBefore = repeats();
            final String twice = run + "-twice";
            producer.send(review(twice, twice)).get(30, TimeUnit.SECONDS);
            producer.send(review(twice, twice)).get(30, TimeUnit.SECONDS);
            producer.send(review(twice, "another text")).get(30, TimeUnit.SECONDS);
            producer.send(review(run + "-once", run)).get(30, TimeUnit.SECONDS);

            await().atMost(WAIT).untilAsserted(() -> assertThat(dlq.poll()).filteredOn(d -> twice.equals(d.id()))
                    .singleElement().extracting(DeadLetter::reason).isEqualTo(Reason.ID_CONFLICT));
            final List<EncodedReview> seen = new java.util.ArrayList<>();
            await().atMost(WAIT).untilAsserted(() -> {
                seen.addAll(encoded.poll());
                assertThat(seen).filteredOn(e -> e.id().equals(twice) || e.id().equals(run + "-once"))
                        .extracting(EncodedReview::id).containsExactlyInAnyOrder(twice, run + "-once");
            });
            // The conflict was forwarded after the repeat was dropped, so the counter is final here.
            assertThat(repeats() - repeatsBefore).isEqualTo(1.0);
        }
    }

    private static double repeats() {
        final String scrape = io.restassured.RestAssured.given().get("/q/metrics").asString();
        return scrape.lines().filter(l -> l.startsWith("sentiment_preprocess_repeats_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static ProducerRecord<String, byte[]> review(final String id, final String text) {
        return new ProducerRecord<>(Topics.RAW.name(), id,
                Json.writeBytes(Review.of(id, "fine " + text, null, "it", Instant.now(), Map.of())));
    }
}
