package io.sentimentstreams.ingest.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The results store's status transitions, driven by records on reviews.raw, reviews.labeled and reviews.dlq. */
class ResultsTopologyTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(24);

    private TopologyTestDriver driver;
    private TestInputTopic<String, Review> raw;
    private TestInputTopic<String, LabeledReview> labeled;
    private TestInputTopic<String, DeadLetter> dlq;
    private final List<ReviewResult> changes = new ArrayList<>();

    @BeforeEach
    void start() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "results-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        driver = new TopologyTestDriver(ResultsTopology.build(RETENTION, changes::add), props, T0);
        raw = driver.createInputTopic(Topics.RAW.name(), Topics.RAW.keySerde().serializer(),
                Topics.RAW.valueSerde().serializer(), T0, Duration.ZERO);
        labeled = driver.createInputTopic(Topics.LABELED.name(), Topics.LABELED.keySerde().serializer(),
                Topics.LABELED.valueSerde().serializer(), T0, Duration.ZERO);
        dlq = driver.createInputTopic(Topics.DLQ.name(), Topics.DLQ.keySerde().serializer(),
                Topics.DLQ.valueSerde().serializer(), T0, Duration.ZERO);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void acceptedReviewIsPendingWithItsReceivedAt() {
        raw.pipeInput("r1", review("r1", T0), T0);
        assertThat(stored("r1")).extracting(ReviewResult::status, ReviewResult::receivedAt)
                .containsExactly(ReviewResult.Status.PENDING, T0);
        assertThat(changes).extracting(ReviewResult::id).containsExactly("r1");
    }

    @Test
    void labeledReviewReplacesPendingWithLabelScoreAndModel() {
        raw.pipeInput("r1", review("r1", T0), T0);
        labeled.pipeInput("r1", labeled("r1", T0, T0.plusMillis(120)), T0.plusMillis(120));
        final ReviewResult r = stored("r1");
        assertThat(r.status()).isEqualTo(ReviewResult.Status.LABELED);
        assertThat(r.label()).isEqualTo("POSITIVE");
        assertThat(r.score()).isEqualTo(0.93);
        assertThat(r.model()).isEqualTo("imdb-en");
        assertThat(r.modelVersion()).isEqualTo(7);
        assertThat(r.receivedAt()).isEqualTo(T0);
        assertThat(r.labeledAt()).isEqualTo(T0.plusMillis(120));
    }

    @Test
    void laterPendingNeverOverwritesLabeledOrDeadLettered() {
        raw.pipeInput("r1", review("r1", T0), T0);
        labeled.pipeInput("r1", labeled("r1", T0, T0.plusSeconds(1)), T0.plusSeconds(1));
        raw.pipeInput("r1", review("r1", T0.plusSeconds(5)), T0.plusSeconds(5));
        assertThat(stored("r1").status()).isEqualTo(ReviewResult.Status.LABELED);

        raw.pipeInput("r2", review("r2", T0), T0);
        dlq.pipeInput("r2", letter("r2", Reason.NO_MODEL), T0.plusSeconds(1));
        raw.pipeInput("r2", review("r2", T0.plusSeconds(5)), T0.plusSeconds(5));
        final ReviewResult dead = stored("r2");
        assertThat(dead.status()).isEqualTo(ReviewResult.Status.DEAD_LETTERED);
        assertThat(dead.receivedAt()).as("the first copy's arrival").isEqualTo(T0);
        assertThat(changes).as("the repeats changed nothing").hasSize(4);
    }

    @Test
    void deadLetterCarriesStageReasonAndDetail() {
        raw.pipeInput("r1", review("r1", T0), T0);
        dlq.pipeInput("r1", letter("r1", Reason.NO_MODEL), T0.plusMillis(10));
        final ReviewResult r = stored("r1");
        assertThat(r.status()).isEqualTo(ReviewResult.Status.DEAD_LETTERED);
        assertThat(r.stage()).isEqualTo("PREPROCESS");
        assertThat(r.reason()).isEqualTo("NO_MODEL");
        assertThat(r.detail()).isEqualTo("no model for ko");
        assertThat(r.label()).isNull();
    }

    @Test
    void deadLetterNeverOverwritesLabeledButLabeledOverwritesDeadLetter() {
        raw.pipeInput("r1", review("r1", T0), T0);
        labeled.pipeInput("r1", labeled("r1", T0, T0.plusSeconds(1)), T0.plusSeconds(1));
        dlq.pipeInput("r1", letter("r1", Reason.SCORING_ERROR), T0.plusSeconds(2));
        assertThat(stored("r1").status()).isEqualTo(ReviewResult.Status.LABELED);

        // a letter replayed after the cause was fixed, then labeled
        dlq.pipeInput("r2", letter("r2", Reason.NO_MODEL), T0);
        labeled.pipeInput("r2", labeled("r2", T0, T0.plusSeconds(60)), T0.plusSeconds(60));
        assertThat(stored("r2").status()).isEqualTo(ReviewResult.Status.LABELED);
    }

    @Test
    void idConflictLetterLeavesTheFirstCopysResultAlone() {
        raw.pipeInput("r1", review("r1", T0), T0);
        raw.pipeInput("r1", review("r1", T0.plusMillis(5)), T0.plusMillis(5));
        dlq.pipeInput("r1", letter("r1", Reason.ID_CONFLICT), T0.plusMillis(20));
        assertThat(stored("r1").status()).isEqualTo(ReviewResult.Status.PENDING);
        labeled.pipeInput("r1", labeled("r1", T0, T0.plusSeconds(1)), T0.plusSeconds(1));
        assertThat(stored("r1").status()).isEqualTo(ReviewResult.Status.LABELED);
    }

    @Test
    void lettersWithoutIdAndUnreadableRecordsAreSkipped() {
        dlq.pipeInput(null, letter(null, Reason.INVALID_JSON), T0);
        final TestInputTopic<String, byte[]> garbage = driver.createInputTopic(Topics.LABELED.name(),
                new StringSerializer(), new ByteArraySerializer());
        garbage.pipeInput("r9", "not json".getBytes(StandardCharsets.UTF_8), T0);
        raw.pipeInput("r1", review("r1", T0), T0);
        assertThat(stored("r9")).isNull();
        assertThat(changes).extracting(ReviewResult::id).containsExactly("r1");
    }

    @Test
    void anIdIsForgottenOneRetentionAfterItWasFirstSeen() {
        raw.pipeInput("old", review("old", T0), T0);
        // stream time moves past the retention (plus a segment) with other traffic
        raw.pipeInput("new", review("new", T0.plus(RETENTION).plus(RETENTION)), T0.plus(RETENTION).plus(RETENTION));
        assertThat(stored("old")).isNull();
        assertThat(stored("new")).isNotNull();
    }

    private ReviewResult stored(final String id) {
        final WindowStore<String, ReviewResult> store = driver.getWindowStore(ResultsTopology.STORE);
        ReviewResult latest = null;
        try (WindowStoreIterator<ReviewResult> it = store.fetch(id, 0L, Long.MAX_VALUE)) {
            while (it.hasNext()) {
                latest = it.next().value;
            }
        }
        return latest;
    }

    private static Review review(final String id, final Instant at) {
        return Review.of(id, "Great film", Lang.EN, "test", at, Map.of());
    }

    private static LabeledReview labeled(final String id, final Instant received, final Instant at) {
        return new LabeledReview(LabeledReview.SCHEMA, id, "Great film", Lang.EN, Label.POSITIVE, 0.93, "imdb-en", 7,
                received, at);
    }

    private static DeadLetter letter(final String id, final Reason reason) {
        return DeadLetter.of(Stage.PREPROCESS, reason, "no model for ko", id, "{}".getBytes(StandardCharsets.UTF_8),
                Topics.RAW.name(), 0, 1L);
    }
}
