package io.sentimentstreams.preprocess.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.StageTimes;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import io.sentimentstreams.preprocess.model.ActiveModel;
import io.sentimentstreams.preprocess.model.LoadOutcome;
import io.sentimentstreams.preprocess.model.ModelRegistry;
import io.sentimentstreams.preprocess.testing.BundleFixtures;
import io.sentimentstreams.text.Encoding;
import io.sentimentstreams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preprocess topology on TopologyTestDriver: encoding, version stamping, hot swap and every DLQ path. */
class PreprocessTopologyTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-27T03:00:00Z");
    private static final Duration NO_WAIT = Duration.ofMillis(1);

    @TempDir
    Path tmp;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PreprocessMetrics metrics = new PreprocessMetrics(meters);
    private ModelRegistry registry;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private TestOutputTopic<String, EncodedReview> encoded;
    private TestOutputTopic<String, DeadLetter> dlq;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void start(final boolean dedup) {
        registry = new ModelRegistry(tmp.resolve("cache"), metrics);
        registry.markCaughtUp();
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "preprocess-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(PreprocessTopology.build(registry, metrics,
                new TopologySettings(dedup, Duration.ofMinutes(10), NO_WAIT)), props);
        raw = driver.createInputTopic(Topics.RAW.name(), new StringSerializer(), new ByteArraySerializer());
        encoded = driver.createOutputTopic(Topics.ENCODED.name(), Topics.ENCODED.keySerde().deserializer(),
                Topics.ENCODED.valueSerde().deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ.name(), Topics.DLQ.keySerde().deserializer(),
                Topics.DLQ.valueSerde().deserializer());
    }

    private void publish(final String name, final int version, final String lang, final List<String> words) {
        final BundleFixtures.Packed p = BundleFixtures.packed(tmp, name, version, lang, words);
        assertThat(registry.offer(p.key(), p.archive(), p.digest()).status()).isEqualTo(LoadOutcome.Status.LOADED);
    }

    private static byte[] review(final String id, final String text, final Lang lang) {
        return Json.writeBytes(Review.of(id, text, lang, "test", RECEIVED, Map.of("shop", "a")));
    }

    private double counter(final String name, final String... tags) {
        final var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void encodesReviewWithTheActiveModelAndStampsItsVersion() {
        start(false);
        publish("movies-en", 1, "en", List.of("great", "movie"));
        raw.pipeInput("r-1", review("r-1", "Great movie!", null));

        final var out = encoded.readKeyValue();
        assertThat(out.key).isEqualTo("r-1");
        final EncodedReview e = out.value;
        assertThat(e.ids()).containsExactly(0, 0, 0, 0, 0, 2, 3, 1);
        assertThat(e.tokenCount()).isEqualTo(3);
        assertThat(e.oovCount()).isEqualTo(1);
        assertThat(e.modelRef()).isEqualTo("movies-en@1");
        assertThat(e.lang()).isEqualTo(Lang.EN);
        assertThat(e.text()).isEqualTo("Great movie!");
        assertThat(e.source()).isEqualTo("test");
        assertThat(e.receivedAt()).isEqualTo(RECEIVED);
        assertThat(e.attributes()).containsEntry("shop", "a");
        assertThat(e.encodedAt()).isNotNull();
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(counter(PreprocessMetrics.RECORDS, "lang", "en", "model", "movies-en", "version", "1"))
                .isEqualTo(1.0);
        assertThat(meters.find(PreprocessMetrics.OOV_RATIO).summary().mean()).isCloseTo(1.0 / 3, within());
    }

    private static RecordHeaders rawHeaders() {
        final RecordHeaders h = new RecordHeaders();
        StageTimes.received(StageTimes.Channel.HTTP, RECEIVED).at(StageTimes.Point.RAW, RECEIVED.plusMillis(4))
                .toHeaders().forEach(h::add);
        h.add("x-not-ours", "drop me".getBytes(StandardCharsets.UTF_8));
        return h;
    }

    @Test
    void encodedRecordCarriesTheRawTimesPlusItsEncodedTimeAndNothingElse() {
        start(false);
        publish("movies-en", 1, "en", List.of("great", "movie"));
        raw.pipeInput(new TestRecord<>("r-t", review("r-t", "Great movie!", null), rawHeaders()));
        final TestRecord<String, EncodedReview> out = encoded.readRecord();
        final StageTimes times = StageTimes.read(out.headers());
        assertThat(times.channel()).isEqualTo(StageTimes.Channel.HTTP);
        assertThat(times.time(StageTimes.Point.RECEIVED)).isEqualTo(RECEIVED);
        assertThat(times.time(StageTimes.Point.RAW)).isEqualTo(RECEIVED.plusMillis(4));
        assertThat(times.time(StageTimes.Point.ENCODED)).isEqualTo(out.value().encodedAt());
        assertThat(out.headers().lastHeader("x-not-ours")).isNull();
        assertThat(out.headers().toArray()).hasSize(4);
    }

    @Test
    void deadLetterCarriesTheRawRecordsTimes() {
        start(false);
        raw.pipeInput(new TestRecord<>("r-bad", "{\"id\": ".getBytes(StandardCharsets.UTF_8), rawHeaders()));
        final TestRecord<String, DeadLetter> out = dlq.readRecord();
        final StageTimes times = StageTimes.read(out.headers());
        assertThat(times.time(StageTimes.Point.RECEIVED)).isEqualTo(RECEIVED);
        assertThat(times.time(StageTimes.Point.RAW)).isEqualTo(RECEIVED.plusMillis(4));
        assertThat(times.time(StageTimes.Point.ENCODED)).isNull();
        assertThat(out.headers().lastHeader("x-not-ours")).isNull();
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }

    @Test
    void keyIsUsedWhenTheReviewHasNoId() {
        start(false);
        publish("movies-en", 1, "en", List.of("great"));
        raw.pipeInput("from-key", review(null, "great", null));
        assertThat(encoded.readValue().id()).isEqualTo("from-key");
    }

    @Test
    void malformedJsonGoesToDeadLetterWithReasonAndOriginalBytes() {
        start(false);
        publish("movies-en", 1, "en", List.of("great"));
        raw.pipeInput("r-bad", "{\"id\": \"r-bad\", \"text\": ".getBytes(StandardCharsets.UTF_8));

        final var out = dlq.readKeyValue();
        assertThat(out.key).isEqualTo("r-bad");
        final DeadLetter d = out.value;
        assertThat(d.stage()).isEqualTo(Stage.PREPROCESS);
        assertThat(d.reason()).isEqualTo(Reason.UNPARSEABLE_RECORD);
        assertThat(d.message()).startsWith("not a Review");
        assertThat(d.payload()).isEqualTo("{\"id\": \"r-bad\", \"text\": ");
        assertThat(d.sourceTopic()).isEqualTo(Topics.RAW.name());
        assertThat(d.partition()).isZero();
        assertThat(d.offset()).isZero();
        assertThat(encoded.isEmpty()).isTrue();
        assertThat(counter(PreprocessMetrics.DLQ, "stage", "PREPROCESS", "reason", "UNPARSEABLE_RECORD"))
                .isEqualTo(1.0);
    }

    @Test
    void languageOutsideTheContractGoesToDeadLetterNamingTheValue() {
        start(false);
        publish("movies-en", 1, "en", List.of("great"));
        raw.pipeInput("r-fr", "{\"schema\":1,\"id\":\"r-fr\",\"text\":\"great\",\"lang\":\"fr\"}"
                .getBytes(StandardCharsets.UTF_8));

        final DeadLetter d = dlq.readValue();
        assertThat(d.reason()).isEqualTo(Reason.UNPARSEABLE_RECORD);
        assertThat(d.message()).startsWith("not a Review").contains("unknown language 'fr' (allowed: en, ko)");
        assertThat(encoded.isEmpty()).isTrue();
    }

    @Test
    void nonUtf8PayloadIsKeptAsBase64InTheDeadLetter() {
        start(false);
        final byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x41};
        raw.pipeInput("r-bin", garbage);
        final DeadLetter d = dlq.readValue();
        assertThat(d.reason()).isEqualTo(Reason.UNPARSEABLE_RECORD);
        assertThat(d.payload()).isNull();
        assertThat(d.originalBytes()).containsExactly(garbage);
    }

    @Test
    void nullValueMissingTextJsonNullAndNewerSchemaAreUnparseable() {
        start(false);
        publish("movies-en", 1, "en", List.of("great"));
        raw.pipeInput("r-null", (byte[]) null);
        raw.pipeInput("r-notext", "{\"schema\":1,\"id\":\"r-notext\"}".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput("r-jsonnull", "null".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput("r-array", "[1,2]".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput("r-future", "{\"schema\":99,\"id\":\"r-future\",\"text\":\"great\"}".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(null, "{\"schema\":1,\"text\":\"great\"}".getBytes(StandardCharsets.UTF_8));

        final List<DeadLetter> dead = dlq.readValuesToList();
        assertThat(dead).extracting(DeadLetter::reason).containsOnly(Reason.UNPARSEABLE_RECORD).hasSize(6);
        assertThat(dead).extracting(DeadLetter::message).containsExactly(
                "record has no value (null)",
                "Review has no text",
                "not a Review: JSON null",
                dead.get(3).message(),
                "Review schema 99 is newer than this service understands (1)",
                "review has no id and the record has no key");
        assertThat(dead.get(3).message()).startsWith("not a Review: ");
        assertThat(dead).extracting(DeadLetter::offset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(encoded.isEmpty()).isTrue();
    }

    @Test
    void reviewInALanguageWithoutModelGoesToDeadLetterAsNoModel() {
        start(false);
        publish("movies-en", 1, "en", List.of("great"));
        raw.pipeInput("r-ko", review("r-ko", "정말 재미있는 영화였어요", null));
        raw.pipeInput("r-declared", review("r-declared", "great", Lang.KO));

        final List<DeadLetter> dead = dlq.readValuesToList();
        assertThat(dead).extracting(DeadLetter::reason).containsExactly(Reason.NO_MODEL, Reason.NO_MODEL);
        assertThat(dead).extracting(DeadLetter::id).containsExactly("r-ko", "r-declared");
        assertThat(dead.get(0).message()).contains("'ko'");
        assertThat(dead.get(0).payload()).contains("정말 재미있는 영화였어요");
        assertThat(encoded.isEmpty()).isTrue();
    }

    @Test
    void detectedLanguagePicksTheKoreanModel() {
        start(false);
        publish("movies-en", 1, "en", List.of("great"));
        publish("movies-ko", 4, "ko", List.of("영화", "최고"));
        raw.pipeInput("r-ko", review("r-ko", "영화 최고 great", null));
        raw.pipeInput("r-en", review("r-en", "great 영화", Lang.EN));

        final List<EncodedReview> out = encoded.readValuesToList();
        assertThat(out).extracting(EncodedReview::modelRef).containsExactly("movies-ko@4", "movies-en@1");
        assertThat(out.get(0).lang()).isEqualTo(Lang.KO);
        assertThat(out.get(0).ids()).endsWith(2, 3, 1);
        assertThat(out.get(1).ids()).endsWith(2, 1);
    }

    @Test
    void pipelineFailureGoesToDeadLetterAndTheStreamGoesOn() {
        start(false);
        registry.install(new ActiveModel(new ModelRef("fragile-en", 1), "en", "d", Instant.now(), text -> {
            if (text.contains("boom")) {
                throw new IllegalStateException("analyzer exploded");
            }
            return new Encoding(new int[] {0, 2}, 1, 0);
        }));
        raw.pipeInput("r-1", review("r-1", "boom", null));
        raw.pipeInput("r-2", review("r-2", "fine", null));

        final DeadLetter d = dlq.readValue();
        assertThat(d.reason()).isEqualTo(Reason.PIPELINE_ERROR);
        assertThat(d.id()).isEqualTo("r-1");
        assertThat(d.message()).contains("fragile-en@1").contains("analyzer exploded");
        assertThat(encoded.readValue().id()).isEqualTo("r-2");
    }

    @Test
    void oneBadRecordAmongGoodOnesDoesNotStopTheStream() {
        start(false);
        publish("movies-en", 1, "en", List.of("good"));
        raw.pipeInput("a", review("a", "good", null));
        raw.pipeInput("b", "nope".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput("c", review("c", "good good", null));
        raw.pipeInput("d", new byte[] {(byte) 0xc3});
        raw.pipeInput("e", review("e", "good", null));

        assertThat(encoded.readValuesToList()).extracting(EncodedReview::id).containsExactly("a", "c", "e");
        assertThat(dlq.readValuesToList()).extracting(DeadLetter::id).containsExactly("b", "d");
    }

    @Test
    void newerVersionSwapsTheVocabularyWithoutRestartAndStampsEachRecordWithItsVersion() {
        start(false);
        publish("movies-en", 1, "en", List.of("great", "movie"));
        raw.pipeInput("r-1", review("r-1", "great movie", null));
        publish("movies-en", 2, "en", List.of("movie", "awful", "great"));
        raw.pipeInput("r-2", review("r-2", "great movie", null));

        final List<EncodedReview> out = encoded.readValuesToList();
        assertThat(out).extracting(EncodedReview::modelVersion).containsExactly(1, 2);
        assertThat(out.get(0).ids()).endsWith(2, 3);
        assertThat(out.get(1).ids()).endsWith(4, 2);
        assertThat(meters.find(PreprocessMetrics.MODEL_VERSION).tag("lang", "en").gauge().value()).isEqualTo(2.0);
    }

    @Test
    void olderVersionOfTheActiveModelIsReadButDoesNotServe() {
        start(false);
        publish("movies-en", 2, "en", List.of("great"));
        final BundleFixtures.Packed older = BundleFixtures.packed(tmp, "movies-en", 1, "en", List.of("movie"));
        assertThat(registry.offer(older.key(), older.archive(), older.digest()).message())
                .contains("movies-en@1 read (not serving) for en");
        raw.pipeInput("r-1", review("r-1", "great", null));
        assertThat(encoded.readValue().modelRef()).isEqualTo("movies-en@2");
    }

    private void publishAs(final String name, final int version, final List<String> words, final String role,
                           final String percent) {
        final BundleFixtures.Packed p = BundleFixtures.packed(tmp, name, version, "en", words);
        assertThat(registry.offer(p.key(), p.archive(), p.digest(), version, role, percent).status())
                .isEqualTo(LoadOutcome.Status.LOADED);
    }

    @Test
    void aShadowGetsTheSameTextEncodedByItsOwnVocabularyBesideTheLiveEncoding() {
        start(false);
        publishAs("movies-en", 1, List.of("great"), null, null);
        publishAs("movies-en", 2, List.of("movie", "great"), "shadow", null);
        raw.pipeInput("r-1", review("r-1", "great", null));
        final EncodedReview e = encoded.readValue();
        assertThat(e.modelRef()).isEqualTo("movies-en@1");
        assertThat(e.route()).isEqualTo(EncodedReview.ROUTE_LIVE);
        assertThat(e.ids()).endsWith(2);
        assertThat(e.shadow().modelRef()).isEqualTo("movies-en@2");
        assertThat(e.shadow().ids()).as("the shadow's own id for 'great'").endsWith(3);
    }

    @Test
    void aCanaryEncodesItsShareOfIdsWithItsOwnVocabularyAndARetriedIdGetsTheSameModel() {
        start(false);
        publishAs("movies-en", 1, List.of("great"), null, null);
        publishAs("movies-en", 2, List.of("movie", "great"), "canary", "50");
        final List<String> ids = java.util.stream.IntStream.range(0, 200).mapToObj(i -> "c-" + i).toList();
        for (final String id : ids) {
            raw.pipeInput(id, review(id, "great", null));
        }
        for (final String id : ids) {
            raw.pipeInput(id, review(id, "great", null));
        }
        final List<EncodedReview> out = encoded.readValuesToList();
        assertThat(out).hasSize(400);
        final Map<String, Integer> versionOf = new java.util.HashMap<>();
        int canary = 0;
        for (final EncodedReview e : out) {
            final boolean inCanary = io.sentimentstreams.rollout.CanaryBucket.inCanary(e.id(), 50);
            assertThat(e.modelVersion()).isEqualTo(inCanary ? 2 : 1);
            assertThat(e.route()).isEqualTo(inCanary ? EncodedReview.ROUTE_CANARY : EncodedReview.ROUTE_LIVE);
            assertThat(e.ids()).as("ids from the vocabulary of the version stamped").endsWith(inCanary ? 3 : 2);
            assertThat(e.shadow()).isNull();
            final Integer before = versionOf.put(e.id(), e.modelVersion());
            assertThat(before == null || before == e.modelVersion()).as("id %s sticks to its model", e.id()).isTrue();
            canary += inCanary ? 1 : 0;
        }
        assertThat(canary).isBetween(140, 260);
    }

    @Test
    void duplicatesPassWhenSuppressionIsOff() {
        start(false);
        publish("movies-en", 1, "en", List.of("great"));
        raw.pipeInput("r-1", review("r-1", "great", null));
        raw.pipeInput("r-1", review("r-1", "great", null));
        assertThat(encoded.readValuesToList()).hasSize(2);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void repeatOfAnEncodedReviewIsDroppedAndTheSameIdWithAnotherTextIsAConflict() {
        start(true);
        publish("movies-en", 1, "en", List.of("great"));
        final Instant t0 = Instant.parse("2026-11-27T03:00:00Z");
        raw.pipeInput("r-1", review("r-1", "great", null), t0);
        raw.pipeInput("r-1", review("r-1", "great", null), t0.plusSeconds(60));
        raw.pipeInput("r-2", review("r-2", "great", null), t0.plusSeconds(61));
        raw.pipeInput("r-1", review("r-1", "not great", null), t0.plusSeconds(62));
        raw.pipeInput("r-1", review("r-1", "great", null), t0.plus(Duration.ofMinutes(11)));

        assertThat(encoded.readValuesToList()).as("the repeat within the window is dropped; after it, encoded again")
                .extracting(EncodedReview::id).containsExactly("r-1", "r-2", "r-1");
        final DeadLetter d = dlq.readValue();
        assertThat(d.reason()).isEqualTo(Reason.ID_CONFLICT);
        assertThat(d.id()).isEqualTo("r-1");
        assertThat(d.message()).contains("different text");
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(meters.get(PreprocessMetrics.REPEATS).counter().count()).isEqualTo(1.0);
    }

    @Test
    void anOlderTimestampWithinTheWindowStillFindsTheEncodingSoClockSkewBetweenIngestsIsCovered() {
        start(true);
        publish("movies-en", 1, "en", List.of("great"));
        final Instant t0 = Instant.parse("2026-11-27T03:00:00Z");
        raw.pipeInput("r-1", review("r-1", "great", null), t0);
        raw.pipeInput("r-1", review("r-1", "great", null), t0.minusSeconds(30));
        raw.pipeInput("r-1", review("r-1", "not great", null), t0.minusSeconds(30));

        assertThat(encoded.readValuesToList()).as("the skewed repeat is dropped, not encoded again")
                .extracting(EncodedReview::id).containsExactly("r-1");
        assertThat(meters.get(PreprocessMetrics.REPEATS).counter().count()).isEqualTo(1.0);
        final DeadLetter d = dlq.readValue();
        assertThat(d.reason()).isEqualTo(Reason.ID_CONFLICT);
        assertThat(d.id()).isEqualTo("r-1");
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void deadLetteredReviewsAreNotRememberedSoAReplayIsEncoded() {
        start(true);
        raw.pipeInput("r-1", review("r-1", "great", Lang.EN));
        assertThat(dlq.readValue().reason()).isEqualTo(Reason.NO_MODEL);
        publish("movies-en", 1, "en", List.of("great"));
        raw.pipeInput("r-1", review("r-1", "great", Lang.EN));
        assertThat(encoded.readValuesToList()).extracting(EncodedReview::id).containsExactly("r-1");
    }

    @Test
    void recordsDeadLetteredBeforeSuppressionDoNotCountAsSeen() {
        start(true);
        raw.pipeInput("r-1", review("r-1", "great", null));
        publish("movies-en", 1, "en", List.of("great"));
        raw.pipeInput("r-1", review("r-1", "great", null));
        assertThat(dlq.readValue().reason()).isEqualTo(Reason.NO_MODEL);
        assertThat(encoded.readValue().id()).isEqualTo("r-1");
    }

    @Test
    void latencyIsRecordedPerOutcome() {
        start(false);
        publish("movies-en", 1, "en", List.of("great"));
        raw.pipeInput("r-1", review("r-1", "great", null));
        raw.pipeInput("r-2", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(meters.find(PreprocessMetrics.LATENCY).tag("outcome", "encoded").timer().count()).isEqualTo(1);
        assertThat(meters.find(PreprocessMetrics.LATENCY).tag("outcome", "dlq").timer().count()).isEqualTo(1);
    }
}
