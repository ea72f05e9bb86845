package io.sentimentstreams.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.ingest.MetricsScrapeDumping;
import io.sentimentstreams.ingest.results.ResultLookups;
import io.sentimentstreams.testkit.KafkaTestResource;
import io.sentimentstreams.testkit.TestBroker;
import io.sentimentstreams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET /reviews/{id} and POST /reviews?wait= against the real broker. The test plays the downstream services: it
 * writes reviews.labeled and reviews.dlq records itself, some of them late (a slow model).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class ReviewResultsTest extends MetricsScrapeDumping {

    private static final String JSON = "application/json";
    private static KafkaProducer<String, LabeledReview> labeledProducer;
    private static KafkaProducer<String, DeadLetter> dlqProducer;

    @BeforeAll
    static void open() {
        final Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        labeledProducer = new KafkaProducer<>(props, Topics.LABELED.keySerde().serializer(),
                Topics.LABELED.valueSerde().serializer());
        dlqProducer = new KafkaProducer<>(props, Topics.DLQ.keySerde().serializer(), Topics.DLQ.valueSerde().serializer());
    }

    @BeforeEach
    void awaitStore() {
        // the results store's first assignment: 503 until it is running, then 404 for an unknown id
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/reviews/warm-up-" + UUID.randomUUID()).statusCode() == 404);
    }

    @AfterAll
    static void close() {
        labeledProducer.close();
        dlqProducer.close();
    }

    @Test
    void unknownIdIsNotFoundWithAProblemBody() {
        given().get("/reviews/never-sent").then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("reason", equalTo("NOT_FOUND"))
                .body("status", equalTo(404));
    }

    @Test
    void acceptedReviewIsPendingThenLabeledWithEveryField() throws Exception {
        final String id = uniqueId();
        post("", "{\"id\":\"" + id + "\",\"text\":\"A moving film\",\"lang\":\"en\"}").then().statusCode(202);
        final JsonPath pending = awaitStatus(id, "PENDING");
        assertThat(pending.getString("id")).isEqualTo(id);
        final Instant receivedAt = Instant.parse(pending.getString("receivedAt"));
        assertThat(pending.getString("label")).isNull();

        label(id, receivedAt, Label.POSITIVE, 0.91);
        final Response response = awaitResponse(id, "LABELED");
        assertThat(response.header(ResultLookups.ANSWERED_BY)).as("answered by this instance's store")
                .isEqualTo("localhost:" + port());
        final JsonPath labeled = response.jsonPath();
        assertThat(labeled.getString("label")).isEqualTo("POSITIVE");
        assertThat(labeled.getDouble("score")).isEqualTo(0.91);
        assertThat(labeled.getString("model")).isEqualTo("imdb-en");
        assertThat(labeled.getInt("modelVersion")).isEqualTo(7);
        assertThat(Instant.parse(labeled.getString("receivedAt"))).isEqualTo(receivedAt);
        assertThat(labeled.getString("labeledAt")).isNotNull();
        assertThat(labeled.getString("stage")).isNull();
    }

    @Test
    void deadLetteredReviewShowsStageReasonAndDetail() throws Exception {
        final String id = uniqueId();
        post("", "{\"id\":\"" + id + "\",\"text\":\"짧은 리뷰\"}").then().statusCode(202);
        awaitStatus(id, "PENDING");
        deadLetter(id, Reason.NO_MODEL, "no model loaded for ko");
        final JsonPath dead = awaitStatus(id, "DEAD_LETTERED");
        assertThat(dead.getString("stage")).isEqualTo("PREPROCESS");
        assertThat(dead.getString("reason")).isEqualTo("NO_MODEL");
        assertThat(dead.getString("detail")).isEqualTo("no model loaded for ko");
        assertThat(dead.getString("label")).isNull();
    }

    @Test
    void resubmissionIsListedAsDuplicateAndDoesNotHideTheLabel() throws Exception {
        final String id = uniqueId();
        final String fresh = uniqueId();
        final String body = "{\"id\":\"" + id + "\",\"text\":\"Dull\"}";
        post("", body).then().statusCode(202).body("duplicates", equalTo(List.of()));
        final Instant receivedAt = Instant.parse(awaitStatus(id, "PENDING").getString("receivedAt"));
        label(id, receivedAt, Label.NEGATIVE, 0.08);
        awaitStatus(id, "LABELED");
        post("", "[" + body + ",{\"id\":\"" + fresh + "\",\"text\":\"Fresh\"}]").then().statusCode(202)
                .body("ids", equalTo(List.of(id, fresh)))
                .body("duplicates", equalTo(List.of(id)));
        awaitStatus(fresh, "PENDING");
        assertThat(given().get("/reviews/" + id).jsonPath().getString("status"))
                .as("the repeat's PENDING does not overwrite the label").isEqualTo("LABELED");
    }

    @Test
    void waitAnswersWithEveryResultOnceASlowModelHasLabeledThem() throws Exception {
        final String a = uniqueId();
        final String b = uniqueId();
        // the slow model: labels a and dead-letters b a second after they reached the store (the wait returns once both
        // are done, long before the 45 s on an idle machine; the shared test machine can take many seconds per hop)
        final CompletableFuture<Void> downstream = CompletableFuture.runAsync(() -> {
            try {
                final Instant receivedAt = Instant.parse(awaitStatus(a, "PENDING").getString("receivedAt"));
                awaitStatus(b, "PENDING");
                TimeUnit.SECONDS.sleep(1);
                label(a, receivedAt, Label.POSITIVE, 0.77);
                deadLetter(b, Reason.SCORING_ERROR, "engine failed");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        final JsonPath answer = post("?wait=PT45S", "[{\"id\":\"" + a + "\",\"text\":\"Great\"},"
                + "{\"id\":\"" + b + "\",\"text\":\"Odd\"},{\"id\":\"bad\",\"text\":\" \"}]")
                .then().statusCode(200).contentType(JSON)
                .body("accepted", equalTo(2))
                .body("ids", equalTo(List.of(a, b)))
                .body("rejected[0].code", equalTo("BLANK_TEXT"))
                .extract().jsonPath();
        downstream.get(30, TimeUnit.SECONDS);
        assertThat(answer.getList("results.id")).containsExactly(a, b);
        assertThat(answer.getList("results.status")).containsExactly("LABELED", "DEAD_LETTERED");
        assertThat(answer.getString("results[0].label")).isEqualTo("POSITIVE");
        assertThat(answer.getDouble("results[0].score")).isEqualTo(0.77);
        assertThat(answer.getString("results[1].reason")).isEqualTo("SCORING_ERROR");
    }

    @Test
    void waitThatEndsBeforeTheLabelAnswersPending() {
        final String id = uniqueId();
        post("?wait=PT0.5S", "{\"id\":\"" + id + "\",\"text\":\"Nobody labels this\"}").then()
                .statusCode(200)
                .body("ids", equalTo(List.of(id)))
                .body("results[0].id", equalTo(id))
                .body("results[0].status", equalTo("PENDING"))
                .body("results[0].receivedAt", notNullValue());
    }

    @Test
    void badWaitIsRefusedBeforeAnythingIsWritten() {
        for (final String wait : List.of("2s", "-PT1S", "", "PT1S&wait=PT2S")) {
            final String id = uniqueId();
            post("?wait=" + wait, "{\"id\":\"" + id + "\",\"text\":\"Fine\"}").then()
                    .statusCode(400)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("reason", equalTo("INVALID_PARAMETER"));
            assertThat(given().get("/reviews/" + id).statusCode()).as("nothing written for wait=" + wait)
                    .isEqualTo(404);
        }
    }

    @Test
    void lookupsAreCounted() {
        given().get("/reviews/" + uniqueId()).then().statusCode(404);
        final String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).containsPattern("sentiment_ingest_results_lookups_total\\{route=\"local\"} [1-9]");
    }

    /** The POST, sent again (as a client would) while the shared test machine's broker answers 503. */
    private static Response post(final String query, final String body) {
        Response response = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            response = given().contentType(JSON).body(body.getBytes(StandardCharsets.UTF_8)).when()
                    .post("/reviews" + query);
            if (response.statusCode() != 503) {
                break;
            }
        }
        return response;
    }

    private static JsonPath awaitStatus(final String id, final String status) {
        return awaitResponse(id, status).jsonPath();
    }

    private static Response awaitResponse(final String id, final String status) {
        final Response[] last = new Response[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = given().get("/reviews/" + id);
            return last[0].statusCode() == 200 && status.equals(last[0].jsonPath().getString("status"));
        });
        return last[0];
    }

    private static void label(final String id, final Instant receivedAt, final Label label, final double score)
            throws Exception {
        labeledProducer.send(new ProducerRecord<>(Topics.LABELED.name(), id, new LabeledReview(LabeledReview.SCHEMA,
                id, "text", Lang.EN, label, score, "imdb-en", 7, receivedAt, Instant.now()))).get(10, TimeUnit.SECONDS);
    }

    private static void deadLetter(final String id, final Reason reason, final String detail) throws Exception {
        dlqProducer.send(new ProducerRecord<>(Topics.DLQ.name(), id, DeadLetter.of(Stage.PREPROCESS, reason, detail, id,
                "{}".getBytes(StandardCharsets.UTF_8), Topics.RAW.name(), 0, 0L))).get(10, TimeUnit.SECONDS);
    }

    private static int port() {
        return io.restassured.RestAssured.port;
    }

    private static String uniqueId() {
        return "t-" + UUID.randomUUID();
    }
}
