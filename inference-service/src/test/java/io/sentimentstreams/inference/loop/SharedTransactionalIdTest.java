package io.sentimentstreams.inference.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.inference.TestBundles;
import io.sentimentstreams.inference.config.InferenceConfig;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.testkit.KafkaTestResource;
import io.sentimentstreams.testkit.TestBroker;
import io.sentimentstreams.topics.Topics;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A misconfigured second instance on the real broker: a worker that has run for minutes (in the test JVM)
 * and the service's freshly started worker share one transactional id and one group while encoded reviews
 * stream in. The service's worker gives way (readiness down, naming the setting), the other takes every
 * partition, and each review is labeled exactly once (read_committed).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@TestProfile(SharedTransactionalIdTest.OwnApp.class)
class SharedTransactionalIdTest {

    /** Its own application start, so the parked worker does not leak into the other service tests. */
    public static final class OwnApp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sentiment.inference.batch.max-size", "32");
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Inject
    InferenceService service;

    @Inject
    InferenceConfig config;

    @Test
    void theNewerOfTwoWorkersWithOneTransactionalIdGoesNotReadyAndEveryReviewIsLabeledOnce() throws Exception {
        final ModelBundle bundle = TestBundles.write(Files.createTempDirectory("conflict-bundle"), "conflict-en", 1, 5);
        final InferenceWorker own = service.workers().get(0);
        final List<String> ids = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            final ProducerRecord<String, byte[]> model = new ProducerRecord<>(Topics.MODELS.name(),
                    bundle.manifest().ref().toString(), TestBundles.archive(bundle));
            model.headers().add(BundleArchive.DIGEST_HEADER, bundle.digest().getBytes(StandardCharsets.UTF_8));
            producer.send(model).get(30, TimeUnit.SECONDS);
            await().atMost(TIMEOUT).until(() -> service.registry().loadedRefs().contains(bundle.manifest().ref()));
            send(producer, ids, 60);
            await().atMost(TIMEOUT).until(() -> RestAssured.get("/q/health/ready").statusCode() == 200);

            final InferenceWorker other = new InferenceWorker(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    TestBroker.bootstrapServers()), new InferenceWorker.Settings(config.groupId(), own.transactionalId(),
                    32, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(10)),
                    new BatchScorer(service.registry(), Duration.ofSeconds(3),
                            new InferenceMetrics(new SimpleMeterRegistry()))::score,
                    service.registry()::caughtUp, new InferenceMetrics(new SimpleMeterRegistry()),
                    new FencingWatch(System.nanoTime() - FencingWatch.WINDOW.multipliedBy(3).toNanos()));
            final Thread otherThread = new Thread(other, "long-running-worker");
            otherThread.start();
            try {
                final long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (!own.conflicted() && !other.conflicted() && System.nanoTime() < deadline) {
                    send(producer, ids, 20);
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                assertThat(own.conflicted()).as("the service's (newer) worker gave way").isTrue();
                send(producer, ids, 200);

                final var ready = RestAssured.get("/q/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.asString()).contains("transactionalIdConflict").contains(own.transactionalId())
                        .contains("SENTIMENT_INFERENCE_TRANSACTIONAL_ID_PREFIX");
                // Alive, so nothing restarts it into the same conflict.
                assertThat(RestAssured.get("/q/health/live").statusCode()).isEqualTo(200);

                final Map<String, Integer> labeled = labeledTimes(ids);
                assertThat(labeled.keySet()).containsExactlyInAnyOrderElementsOf(ids);
                assertThat(labeled.values()).as("labeled once each").allMatch(n -> n == 1);
                assertThat(other.conflicted()).as("the long-running worker kept going").isFalse();
                assertThat(other.polling()).isTrue();
            } finally {
                other.stop();
                otherThread.join(30_000);
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODEL_MAX_BYTES);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(final KafkaProducer<String, byte[]> producer, final List<String> ids, final int n) {
        final int[][] rows = TestBundles.rows(n, ids.size());
        for (int i = 0; i < n; i++) {
            final String id = "conflict-" + ids.size() + "-" + UUID.randomUUID();
            ids.add(id);
            int tokens = 0;
            for (final int x : rows[i]) {
                tokens += x != 0 ? 1 : 0;
            }
            final EncodedReview e = new EncodedReview(EncodedReview.SCHEMA, id, "text of " + id, Lang.EN, "test",
                    Instant.now(), Map.of(), "conflict-en", 1, rows[i], tokens, 0, Instant.now());
            producer.send(new ProducerRecord<>(Topics.ENCODED.name(), id,
                    Topics.ENCODED.valueSerde().serializer().serialize(Topics.ENCODED.name(), e)));
        }
        producer.flush();
    }

    /** How often each wanted id appears on reviews.labeled (read_committed), once all have appeared. */
    private static Map<String, Integer> labeledTimes(final List<String> wanted) {
        final Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final java.util.Set<String> want = new java.util.HashSet<>(wanted);
        final Map<String, Integer> seen = new HashMap<>();
        final long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.LABELED.name()));
            int quietPolls = 0;
            // Until all arrived, then a few more polls so a late duplicate is counted too.
            while (System.nanoTime() < deadline && (seen.size() < want.size() || quietPolls < 5)) {
                final var records = consumer.poll(Duration.ofMillis(300));
                quietPolls = seen.size() < want.size() ? 0 : quietPolls + 1;
                for (final ConsumerRecord<String, byte[]> r : records) {
                    if (r.key() != null && want.contains(r.key())) {
                        seen.merge(r.key(), 1, Integer::sum);
                    }
                }
            }
        }
        return seen;
    }
}
