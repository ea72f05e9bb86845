package io.sentimentstreams.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.kafka.NativeLz4;
import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.StageTimes;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.testkit.KafkaTestResource;
import io.sentimentstreams.testkit.TestBroker;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * inference-service against a real broker (child JVM): real tiny DL4J bundles are published on
 * {@code sentiment.models}, encoded reviews are produced to {@code reviews.encoded}, and the outputs are
 * read back with read_committed. Every test uses its own model name and review ids.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class InferenceServiceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static Path bundles;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void setUp() throws Exception {
        bundles = Files.createTempDirectory("inference-test-bundles");
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MODEL_MAX_BYTES);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void tearDown() {
        producer.close();
    }

    @Test
    void kafkaUsesTheNativeLz4Codec() {
        // The service runs in Quarkus' class loader, where lz4-java hands Kafka its pure-Java codec unless
        // the service loaded the native one at start-up; the workers decompress reviews.encoded with it.
        assertThat(NativeLz4.describe()).isEqualTo("native (JNI)");
    }

    @Test
    void batchesAreScoredOncePerRecordToAllThreeOutputTopics() throws Exception {
        final ModelBundle bundle = TestBundles.write(bundles, "batch-en", 1, 11);
        publish(bundle.manifest().ref().toString(), TestBundles.archive(bundle), bundle.digest());
        awaitLoaded("batch-en", 1);

        final int n = 300;
        final int[][] rows = TestBundles.rows(n, 5);
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final String id = "batch-" + i + "-" + UUID.randomUUID();
            ids.add(id);
            sendEncoded(encoded(id, "batch-en", 1, rows[i]));
        }
        producer.flush();

        final Map<String, LabeledReview> labeled = readUntil(Topics.LABELED, ids, n);
        assertThat(labeled).hasSize(n);
        // The scores are exactly what the DL4J reference gives for the same rows.
        final float[] expected;
        try (LoadedModel reference = Engines.load(bundle, EngineChoice.DL4J)) {
            expected = reference.score(rows);
        }
        for (int i = 0; i < n; i++) {
            final LabeledReview r = labeled.get(ids.get(i));
            assertThat(r.model()).isEqualTo("batch-en");
            assertThat(r.modelVersion()).isEqualTo(1);
            assertThat(r.score()).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4));
            assertThat(r.label()).isEqualTo(Label.of(r.score(), 0.5));
            assertThat(r.labeledAt()).isAfterOrEqualTo(r.receivedAt());
            assertThat(r.text()).isEqualTo("text of " + ids.get(i));
        }
        final Map<String, LabeledReview> positive = readUntil(Topics.LABELED_POSITIVE, ids,
                (int) labeled.values().stream().filter(r -> r.label() == Label.POSITIVE).count());
        final Map<String, LabeledReview> negative = readUntil(Topics.LABELED_NEGATIVE, ids,
                (int) labeled.values().stream().filter(r -> r.label() == Label.NEGATIVE).count());
        assertThat(positive.values()).allMatch(r -> r.label() == Label.POSITIVE);
        assertThat(negative.values()).allMatch(r -> r.label() == Label.NEGATIVE);
        assertThat(positive.size() + negative.size()).isEqualTo(n);

        final String metrics = RestAssured.get("/q/metrics").asString();
        assertThat(metricValue(metrics, "sentiment_inference_predictions_total", "model=\"batch-en\"", "label=\"POSITIVE\""))
                .isEqualTo(positive.size());
        // Batching happened: fewer batches than records.
        assertThat(metricValue(metrics, "sentiment_inference_batch_size_records_count")).isLessThan(n);
        assertThat(metrics).contains("sentiment_inference_e2e_latency_seconds_bucket")
                .contains("sentiment_inference_score_bucket")
                .contains("sentiment_inference_model_version{model=\"batch-en\"} 1.0");
        dumpMetrics();
    }

    @Test
    void shadowEncodingsAreScoredByTheShadowVersionToReviewsShadowBesideTheLiveLabels() throws Exception {
        final ModelBundle live = TestBundles.write(bundles, "shadow-en", 1, 21);
        final ModelBundle shadow = TestBundles.write(bundles, "shadow-en", 2, 22);
        publish(live.manifest().ref().toString(), TestBundles.archive(live), live.digest());
        publish(shadow.manifest().ref().toString(), TestBundles.archive(shadow), shadow.digest());
        awaitLoaded("shadow-en", 2);

        final int n = 120;
        final int[][] liveRows = TestBundles.rows(n, 7);
        final int[][] shadowRows = TestBundles.rows(n, 8);
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final String id = "shadow-" + i + "-" + UUID.randomUUID();
            ids.add(id);
            final EncodedReview e = encoded(id, "shadow-en", 1, liveRows[i]);
            sendEncoded(new EncodedReview(e.schema(), e.id(), e.text(), e.lang(), e.source(), e.receivedAt(),
                    e.attributes(), e.model(), e.modelVersion(), e.ids(), e.tokenCount(), e.oovCount(), e.encodedAt(),
                    EncodedReview.ROUTE_LIVE, new EncodedReview.ShadowEncoding("shadow-en", 2, shadowRows[i], 5, 0)));
        }
        // A shadow encoding the shadow version cannot take: the review is labeled, only its shadow score is skipped.
        final String misshapen = "shadow-misshapen-" + UUID.randomUUID();
        final EncodedReview m = encoded(misshapen, "shadow-en", 1, liveRows[0]);
        sendEncoded(new EncodedReview(m.schema(), m.id(), m.text(), m.lang(), m.source(), m.receivedAt(),
                m.attributes(), m.model(), m.modelVersion(), m.ids(), m.tokenCount(), m.oovCount(), m.encodedAt(),
                EncodedReview.ROUTE_LIVE, new EncodedReview.ShadowEncoding("shadow-en", 2, new int[] {1, 2}, 2, 0)));
        producer.flush();

        final List<String> all = new ArrayList<>(ids);
        all.add(misshapen);
        final Map<String, LabeledReview> labeled = readUntil(Topics.LABELED, all, n + 1);
        final Map<String, io.sentimentstreams.contracts.ShadowResult> shadowed = readUntil(Topics.SHADOW, all, n);
        assertThat(shadowed).doesNotContainKey(misshapen);
        final float[] expectedLive;
        final float[] expectedShadow;
        try (LoadedModel a = Engines.load(live, EngineChoice.DL4J); LoadedModel b = Engines.load(shadow, EngineChoice.DL4J)) {
            expectedLive = a.score(liveRows);
            expectedShadow = b.score(shadowRows);
        }
        int agree = 0;
        for (int i = 0; i < n; i++) {
            final LabeledReview l = labeled.get(ids.get(i));
            final io.sentimentstreams.contracts.ShadowResult r = shadowed.get(ids.get(i));
            assertThat(l.modelVersion()).as("only the live result is labeled").isEqualTo(1);
            assertThat(l.route()).isEqualTo(EncodedReview.ROUTE_LIVE);
            assertThat(r.liveVersion()).isEqualTo(1);
            assertThat(r.liveScore()).isEqualTo(l.score());
            assertThat(r.shadowVersion()).isEqualTo(2);
            assertThat(r.shadowScore()).isCloseTo(expectedShadow[i], org.assertj.core.data.Offset.offset(1e-4));
            assertThat(l.score()).isCloseTo(expectedLive[i], org.assertj.core.data.Offset.offset(1e-4));
            assertThat(r.agree()).isEqualTo(r.liveLabel() == r.shadowLabel());
            agree += r.agree() ? 1 : 0;
        }
        final String metrics = RestAssured.get("/q/metrics").asString();
        assertThat(metricValue(metrics, "sentiment_shadow_agreement_count", "shadow=\"shadow-en@2\"")).isEqualTo(n);
        assertThat(metricValue(metrics, "sentiment_shadow_agreement_sum", "shadow=\"shadow-en@2\"")).isEqualTo(agree);
        assertThat(metricValue(metrics, "sentiment_shadow_score_count", "role=\"shadow\"", "model=\"shadow-en@2\""))
                .isEqualTo(n);
        assertThat(metricValue(metrics, "sentiment_shadow_score_count", "role=\"live\"", "model=\"shadow-en@1\""))
                .isEqualTo(n);
        assertThat(metricValue(metrics, "sentiment_inference_shadow_skipped_total", "reason=\"SHAPE\"")).isEqualTo(1);
        dumpMetrics();
    }

    @Test
    void recordForAVersionThatNeverArrivesGoesToTheDlqAfterTheWaitAndTheLoopContinues() throws Exception {
        final ModelBundle bundle = TestBundles.write(bundles, "wait-en", 1, 21);
        publish("wait-en@1", TestBundles.archive(bundle), bundle.digest());
        awaitLoaded("wait-en", 1);
        final String missing = "missing-" + UUID.randomUUID();
        final String fine = "fine-" + UUID.randomUUID();
        sendEncoded(encoded(missing, "wait-en", 99, TestBundles.rows(1, 1)[0]));
        sendEncoded(encoded(fine, "wait-en", 1, TestBundles.rows(1, 2)[0]));
        producer.flush();

        final DeadLetter dl = readUntil(Topics.DLQ, List.of(missing), 1).get(missing);
        assertThat(dl.stage()).isEqualTo(Stage.INFERENCE);
        assertThat(dl.reason()).isEqualTo(Reason.MODEL_VERSION_UNAVAILABLE);
        assertThat(dl.message()).contains("wait-en@99");
        assertThat(dl.sourceTopic()).isEqualTo(Topics.ENCODED.name());
        assertThat(dl.offset()).isNotNull();
        assertThat(Json.read(dl.originalBytes(), EncodedReview.class).id()).isEqualTo(missing);
        assertThat(readUntil(Topics.LABELED, List.of(fine), 1)).containsKey(fine);
        assertThat(readUntil(Topics.LABELED, List.of(missing), 0)).doesNotContainKey(missing);
    }

    @Test
    void unparseableAndMisshapenRecordsGoToTheDlqAndTheLoopContinues() throws Exception {
        final ModelBundle bundle = TestBundles.write(bundles, "bad-en", 1, 31);
        publish("bad-en@1", TestBundles.archive(bundle), bundle.digest());
        awaitLoaded("bad-en", 1);
        final String tag = UUID.randomUUID().toString();
        final String garbage = "garbage-" + tag;
        final String noIds = "noids-" + tag;
        final String tombstone = "tombstone-" + tag;
        final String tooShort = "short-" + tag;
        final String outOfVocab = "oov-" + tag;
        final String good = "good-" + tag;
        producer.send(new ProducerRecord<>(Topics.ENCODED.name(), garbage, "{not json".getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(Topics.ENCODED.name(), noIds,
                ("{\"id\":\"" + noIds + "\",\"model\":\"bad-en\",\"modelVersion\":1}").getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(Topics.ENCODED.name(), tombstone, null));
        sendEncoded(encoded(tooShort, "bad-en", 1, new int[] {3, 4, 5}));
        final int[] big = TestBundles.rows(1, 3)[0].clone();
        big[TestBundles.MAXLEN - 1] = TestBundles.VOCAB + 7;
        sendEncoded(encoded(outOfVocab, "bad-en", 1, big));
        sendEncoded(encoded(good, "bad-en", 1, TestBundles.rows(1, 4)[0]));
        producer.flush();

        final Map<String, DeadLetter> dlq = readUntil(Topics.DLQ,
                List.of(garbage, noIds, tombstone, tooShort, outOfVocab), 5);
        assertThat(dlq.get(garbage).reason()).isEqualTo(Reason.UNPARSEABLE_RECORD);
        assertThat(dlq.get(garbage).payload()).isEqualTo("{not json");
        assertThat(dlq.get(noIds).reason()).isEqualTo(Reason.UNPARSEABLE_RECORD);
        assertThat(dlq.get(noIds).message()).contains("missing ids");
        assertThat(dlq.get(tombstone).reason()).isEqualTo(Reason.UNPARSEABLE_RECORD);
        assertThat(dlq.get(tooShort).reason()).isEqualTo(Reason.SCORING_ERROR);
        assertThat(dlq.get(tooShort).message()).contains("expects " + TestBundles.MAXLEN);
        assertThat(dlq.get(outOfVocab).reason()).isEqualTo(Reason.SCORING_ERROR);
        assertThat(dlq.get(outOfVocab).message()).contains("outside [0, " + TestBundles.VOCAB + ")");
        assertThat(readUntil(Topics.LABELED, List.of(good), 1)).containsKey(good);
        final String metrics = RestAssured.get("/q/metrics").asString();
        assertThat(metricValue(metrics, "sentiment_inference_dlq_total", "reason=\"UNPARSEABLE_RECORD\""))
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void refusedBundlesAreCountedAndTheServingVersionKeepsScoring() throws Exception {
        final ModelBundle v1 = TestBundles.write(bundles, "refuse-en", 1, 41);
        publish("refuse-en@1", TestBundles.archive(v1), v1.digest());
        awaitLoaded("refuse-en", 1);
        final double before = refusedCount("CHECKSUM_MISMATCH");

        final ModelBundle v2 = TestBundles.write(bundles, "refuse-en", 2, 42);
        publish("refuse-en@2", TestBundles.archiveWithCorruptedNetwork(v2), v2.digest());
        final ModelBundle v3 = TestBundles.write(bundles, "refuse-en", 3, 43);
        publish("refuse-en@3", TestBundles.archive(v3), "ab".repeat(32));
        await().atMost(TIMEOUT).until(() -> refusedCount("CHECKSUM_MISMATCH") >= before + 2);

        RestAssured.get("/models").then().statusCode(200);
        @SuppressWarnings("unchecked")
        final Map<String, Object> snapshot = Json.read(RestAssured.get("/models").asString(), Map.class);
        assertThat((Map<String, Object>) snapshot.get("inService")).containsEntry("refuse-en", 1);
        assertThat((Map<String, Object>) snapshot.get("refused")).containsKeys("refuse-en@2", "refuse-en@3");

        final String stillServed = "served-" + UUID.randomUUID();
        final String refused = "refused-" + UUID.randomUUID();
        sendEncoded(encoded(stillServed, "refuse-en", 1, TestBundles.rows(1, 6)[0]));
        sendEncoded(encoded(refused, "refuse-en", 2, TestBundles.rows(1, 7)[0]));
        producer.flush();
        assertThat(readUntil(Topics.LABELED, List.of(stillServed), 1).get(stillServed).modelVersion()).isEqualTo(1);
        final DeadLetter dl = readUntil(Topics.DLQ, List.of(refused), 1).get(refused);
        assertThat(dl.reason()).isEqualTo(Reason.MODEL_VERSION_UNAVAILABLE);
        assertThat(dl.message()).contains("refused").contains("CHECKSUM_MISMATCH");
    }

    @Test
    void afterAHotSwapEachRecordIsScoredByTheVersionThatEncodedIt() throws Exception {
        final ModelBundle v1 = TestBundles.write(bundles, "swap-en", 1, 51);
        final ModelBundle v2 = TestBundles.write(bundles, "swap-en", 2, 52);
        publish("swap-en@1", TestBundles.archive(v1), v1.digest());
        awaitLoaded("swap-en", 1);
        final int[][] rows = TestBundles.rows(40, 9);
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add("swap1-" + i + "-" + UUID.randomUUID());
            sendEncoded(encoded(ids.get(i), "swap-en", 1, rows[i]));
        }
        producer.flush();
        publish("swap-en@2", TestBundles.archive(v2), v2.digest());
        for (int i = 20; i < 40; i++) {
            // Interleave versions, as records encoded just before and after the swap arrive together.
            final int version = i % 2 == 0 ? 2 : 1;
            ids.add("swap" + version + "-" + i + "-" + UUID.randomUUID());
            sendEncoded(encoded(ids.get(i), "swap-en", version, rows[i]));
        }
        producer.flush();
        final Map<String, LabeledReview> labeled = readUntil(Topics.LABELED, ids, ids.size());
        final float[] p1;
        final float[] p2;
        try (LoadedModel r1 = Engines.load(v1, EngineChoice.DL4J); LoadedModel r2 = Engines.load(v2, EngineChoice.DL4J)) {
            p1 = r1.score(rows);
            p2 = r2.score(rows);
        }
        for (int i = 0; i < ids.size(); i++) {
            final LabeledReview r = labeled.get(ids.get(i));
            final int version = ids.get(i).startsWith("swap2") ? 2 : 1;
            assertThat(r.modelVersion()).isEqualTo(version);
            assertThat(r.score()).isCloseTo(version == 2 ? p2[i] : p1[i], org.assertj.core.data.Offset.offset(1e-4));
        }
        awaitLoaded("swap-en", 2);
        assertThat(RestAssured.get("/q/metrics").asString()).contains("sentiment_inference_model_version{model=\"swap-en\"} 2.0");
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aRetiredVersionIsDroppedAndItsInFlightRecordsAreDeadLetteredAsRetired() throws Exception {
        final ModelBundle v1 = TestBundles.write(bundles, "retire-en", 1, 61);
        final ModelBundle v2 = TestBundles.write(bundles, "retire-en", 2, 62);
        publish("retire-en@1", TestBundles.archive(v1), v1.digest());
        publish("retire-en@2", TestBundles.archive(v2), v2.digest());
        awaitLoaded("retire-en", 2);
        final String before = "retire-before-" + UUID.randomUUID();
        sendEncoded(encoded(before, "retire-en", 2, TestBundles.rows(1, 3)[0]));
        producer.flush();
        assertThat(readUntil(Topics.LABELED, List.of(before), 1)).containsKey(before);

        producer.send(new ProducerRecord<>(Topics.MODELS.name(), "retire-en@2", null)).get(30, TimeUnit.SECONDS);
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            final Map<?, ?> snapshot = Json.read(RestAssured.get("/models").asString(), Map.class);
            return ((List<?>) snapshot.get("retired")).contains("retire-en@2")
                    && !((List<?>) snapshot.get("onDisk")).contains("retire-en@2")
                    && ((List<?>) snapshot.get("loaded")).stream().map(m -> (Map<?, ?>) m)
                    .noneMatch(m -> "retire-en".equals(m.get("model")) && Integer.valueOf(2).equals(m.get("version")));
        });
        assertThat(RestAssured.get("/q/metrics").asString())
                .contains("sentiment_inference_model_version{model=\"retire-en\"} 1.0")
                .contains("sentiment_inference_models_retired_total{model=\"retire-en\"} 1.0");

        // A record encoded with @2 just before the tombstone, and one encoded with the live @1.
        final String inFlight = "retire-inflight-" + UUID.randomUUID();
        final String live = "retire-live-" + UUID.randomUUID();
        sendEncoded(encoded(inFlight, "retire-en", 2, TestBundles.rows(1, 4)[0]));
        sendEncoded(encoded(live, "retire-en", 1, TestBundles.rows(1, 5)[0]));
        producer.flush();
        final DeadLetter dl = readUntil(Topics.DLQ, List.of(inFlight), 1).get(inFlight);
        assertThat(dl.reason()).isEqualTo(Reason.MODEL_VERSION_RETIRED);
        assertThat(dl.stage()).isEqualTo(Stage.INFERENCE);
        assertThat(dl.message()).contains("retire-en@2 was retired");
        assertThat(Json.read(dl.originalBytes(), EncodedReview.class).id()).isEqualTo(inFlight);
        assertThat(readUntil(Topics.LABELED, List.of(live), 1).get(live).modelVersion()).isEqualTo(1);
        assertThat(readUntil(Topics.LABELED, List.of(inFlight), 0)).doesNotContainKey(inFlight);
    }

    @Test
    void labeledRecordsAndDeadLettersCarryTheStageTimesAndEachHopIsTimed() throws Exception {
        final ModelBundle bundle = TestBundles.write(bundles, "hops-en", 1, 61);
        publish("hops-en@1", TestBundles.archive(bundle), bundle.digest());
        awaitLoaded("hops-en", 1);
        final String tag = UUID.randomUUID().toString();
        final String ok = "hops-ok-" + tag;
        final String skewed = "hops-skewed-" + tag;
        final String dead = "hops-dead-" + tag;
        final Instant t0 = Instant.now().minusMillis(500);
        final StageTimes okTimes = StageTimes.received(StageTimes.Channel.INBOUND, t0)
                .at(StageTimes.Point.RAW, t0.plusMillis(5)).at(StageTimes.Point.ENCODED, t0.plusMillis(105));
        // preprocess-service's clock behind ingest's: encoded "before" raw
        final StageTimes skewedTimes = StageTimes.received(StageTimes.Channel.INBOUND, t0)
                .at(StageTimes.Point.RAW, t0.plusMillis(5)).at(StageTimes.Point.ENCODED, t0.plusMillis(2));
        sendEncoded(encoded(ok, "hops-en", 1, TestBundles.rows(1, 6)[0], okTimes), okTimes);
        sendEncoded(encoded(skewed, "hops-en", 1, TestBundles.rows(1, 7)[0], skewedTimes), skewedTimes);
        sendEncoded(encoded(dead, "hops-en", 1, new int[] {3, 4}, okTimes), okTimes);
        producer.flush();

        for (final Topic<String, LabeledReview> topic : List.of(Topics.LABELED, Topics.LABELED_POSITIVE,
                Topics.LABELED_NEGATIVE)) {
            for (final ConsumerRecord<String, byte[]> r : records(topic.name(), ok)) {
                final LabeledReview labeled = Json.read(r.value(), LabeledReview.class);
                assertThat(StageTimes.read(r.headers()))
                        .isEqualTo(okTimes.at(StageTimes.Point.LABELED, labeled.labeledAt()));
            }
        }
        assertThat(records(Topics.LABELED.name(), ok)).hasSize(1);
        final List<ConsumerRecord<String, byte[]>> letters = records(Topics.DLQ.name(), dead);
        assertThat(letters).hasSize(1);
        assertThat(StageTimes.read(letters.get(0).headers())).isEqualTo(okTimes);
        readUntil(Topics.LABELED, List.of(skewed), 1);

        await().atMost(TIMEOUT).untilAsserted(() -> {
            final String metrics = RestAssured.get("/q/metrics").asString();
            final String[] inbound = {"model=\"hops-en\"", "channel=\"inbound\""};
            assertThat(metricValue(metrics, "sentiment_inference_hop_seconds_count", with(inbound,
                    "hop=\"ingest_to_raw\""))).isEqualTo(2);
            assertThat(metricValue(metrics, "sentiment_inference_hop_seconds_sum", with(inbound,
                    "hop=\"ingest_to_raw\""))).isCloseTo(0.010, org.assertj.core.data.Offset.offset(1e-9));
            // the skewed hop counts as zero and is counted as negative
            assertThat(metricValue(metrics, "sentiment_inference_hop_seconds_sum", with(inbound,
                    "hop=\"raw_to_encoded\""))).isCloseTo(0.100, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(metricValue(metrics, "sentiment_inference_hop_negative_total", "hop=\"raw_to_encoded\""))
                    .isGreaterThanOrEqualTo(1);
            assertThat(metricValue(metrics, "sentiment_inference_hop_seconds_count", with(inbound,
                    "hop=\"encoded_to_labeled\""))).isEqualTo(2);
            assertThat(metrics).contains("sentiment_inference_hop_seconds_bucket{channel=\"inbound\","
                    + "hop=\"encoded_to_labeled\",model=\"hops-en\",le=\"0.001\"}");
        });
        // the hop meters exist only once a review carried stage times: deploy-validation checks the dashboard against this
        Files.writeString(Path.of("target/metrics-scrape-stage-hops.txt"), RestAssured.get("/q/metrics").asString());
    }

    // ---- helpers ----

    private static String[] with(final String[] fragments, final String more) {
        final String[] all = java.util.Arrays.copyOf(fragments, fragments.length + 1);
        all[fragments.length] = more;
        return all;
    }

    private static EncodedReview encoded(final String id, final String model, final int version, final int[] ids,
                                         final StageTimes times) {
        return new EncodedReview(EncodedReview.SCHEMA, id, "text of " + id, Lang.EN, "test",
                times.time(StageTimes.Point.RECEIVED), Map.of(), model, version, ids, ids.length, 0,
                times.time(StageTimes.Point.ENCODED));
    }

    private static void sendEncoded(final EncodedReview e, final StageTimes times) {
        producer.send(new ProducerRecord<>(Topics.ENCODED.name(), null, e.id(),
                Topics.ENCODED.valueSerde().serializer().serialize(Topics.ENCODED.name(), e), times.toHeaders()));
    }

    /** Every committed record of {@code topic} keyed {@code key}, read from the beginning until one shows up. */
    private static List<ConsumerRecord<String, byte[]>> records(final String topic, final String key) {
        final Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (found.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
            }
            consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                if (key.equals(r.key())) {
                    found.add(r);
                }
            });
        }
        return found;
    }

    private static EncodedReview encoded(final String id, final String model, final int version, final int[] ids) {
        int tokens = 0;
        for (final int x : ids) {
            tokens += x != 0 ? 1 : 0;
        }
        return new EncodedReview(EncodedReview.SCHEMA, id, "text of " + id, Lang.EN, "test", Instant.now(), Map.of(),
                model, version, ids, tokens, 0, Instant.now());
    }

    private static void sendEncoded(final EncodedReview e) {
        producer.send(new ProducerRecord<>(Topics.ENCODED.name(), e.id(),
                Topics.ENCODED.valueSerde().serializer().serialize(Topics.ENCODED.name(), e)));
    }

    private static void publish(final String key, final byte[] archive, final String digest) throws Exception {
        final ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.MODELS.name(), key, archive);
        r.headers().add(BundleArchive.DIGEST_HEADER, digest.getBytes(StandardCharsets.UTF_8));
        producer.send(r).get(30, TimeUnit.SECONDS);
    }

    private static void awaitLoaded(final String model, final int version) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
            final Map<?, ?> snapshot = Json.read(RestAssured.get("/models").asString(), Map.class);
            return ((List<?>) snapshot.get("loaded")).stream().map(m -> (Map<?, ?>) m)
                    .anyMatch(m -> model.equals(m.get("model")) && Integer.valueOf(version).equals(m.get("version")));
        });
    }

    /**
     * Reads {@code topic} from the beginning with read_committed until {@code expected} of the wanted ids
     * were seen (or, for 0, for a few seconds); fails on a duplicate id.
     */
    private static <V> Map<String, V> readUntil(final Topic<String, V> topic, final List<String> wanted,
                                                final int expected) {
        final Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final java.util.Set<String> want = new java.util.HashSet<>(wanted);
        final Map<String, V> seen = new HashMap<>();
        final long deadline = System.nanoTime() + (expected == 0 ? TimeUnit.SECONDS.toNanos(3) : TIMEOUT.toNanos());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic.name()));
            while ((expected == 0 || seen.size() < expected) && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && want.contains(r.key())) {
                        final V v = topic.valueSerde().deserializer().deserialize(topic.name(), r.value());
                        assertThat(seen.put(r.key(), v)).as("duplicate %s on %s", r.key(), topic.name()).isNull();
                    }
                }
            }
            // One more poll: a duplicate arriving just behind the last expected record must fail too.
            for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.key() != null && want.contains(r.key())) {
                    assertThat(seen).as("duplicate %s on %s", r.key(), topic.name()).doesNotContainKey(r.key());
                }
            }
        }
        assertThat(seen).as("records on %s", topic.name()).hasSizeGreaterThanOrEqualTo(expected);
        return seen;
    }

    private static double refusedCount(final String reason) {
        final String metrics = RestAssured.get("/q/metrics").asString();
        return metricValue(metrics, "sentiment_inference_models_refused_total", "reason=\"" + reason + "\"");
    }

    /** Sum of the samples of {@code name} whose labels contain every fragment. */
    static double metricValue(final String scrape, final String name, final String... labelFragments) {
        double sum = 0;
        for (final String line : scrape.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (final String f : labelFragments) {
                all &= line.contains(f);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static void dumpMetrics() throws Exception {
        Files.writeString(Path.of("target/metrics-scrape.txt"), RestAssured.get("/q/metrics").asString());
    }
}
