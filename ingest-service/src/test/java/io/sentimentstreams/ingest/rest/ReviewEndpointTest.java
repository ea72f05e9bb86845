package io.sentimentstreams.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.ingest.MetricsScrapeDumping;
import io.sentimentstreams.kafka.StageTimes;
import io.sentimentstreams.testkit.KafkaTestResource;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * POST /reviews against the real broker. Test limits (application.properties %test): body 65,536 bytes,
 * 10 items per batch, text 2,000 characters.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class ReviewEndpointTest extends MetricsScrapeDumping {


    private static final String JSON = "application/json";
    private static final String NDJSON = "application/x-ndjson";
    private static RawTopicProbe raw;

    @BeforeAll
    static void openProbe() {
        raw = new RawTopicProbe();
    }

    @AfterAll
    static void closeProbe() {
        raw.close();
    }

    private static ValidatableResponse post(final String contentType, final String body) {
        return given().contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/reviews").then();
    }

    private static String uniqueId() {
        return "t-" + UUID.randomUUID();
    }

    /** Posts a valid review after the request under test and returns everything committed since the mark. */
    private static List<ConsumerRecord<String, Review>> committedUpToSentinel() {
        final String sentinel = uniqueId();
        post(JSON, "{\"id\":\"" + sentinel + "\",\"text\":\"sentinel\"}").statusCode(202);
        final List<ConsumerRecord<String, Review>> records = raw.readUntilKey(sentinel);
        assertThat(records).extracting(ConsumerRecord::key).as("only the sentinel reached reviews.raw")
                .containsExactly(sentinel);
        return records;
    }

    @Test
    void singleReviewIsCommittedToRawBeforeThe202() {
        raw.mark();
        final String id = uniqueId();
        post(JSON, "{\"id\":\"" + id + "\",\"text\":\"A moving, well acted film.\",\"lang\":\"en\","
                + "\"source\":\"test suite\",\"attributes\":{\"stars\":\"9\"}}")
                .statusCode(202)
                .contentType(JSON)
                .body("accepted", equalTo(1))
                .body("ids", equalTo(List.of(id)));
        final ConsumerRecord<String, Review> record = raw.readUntilKey(id).stream()
                .filter(r -> id.equals(r.key())).findFirst().orElseThrow();
        final Review review = record.value();
        assertThat(review.id()).isEqualTo(id);
        assertThat(review.text()).isEqualTo("A moving, well acted film.");
        assertThat(review.lang()).isEqualTo(Lang.EN);
        assertThat(review.source()).isEqualTo("test suite");
        assertThat(review.attributes()).isEqualTo(Map.of("stars", "9"));
        assertThat(review.receivedAt()).isNotNull();
        assertThat(review.schema()).isEqualTo(Review.SCHEMA);
    }

    @Test
    void rawRecordCarriesItsIngestAndRawTimesOverHttp() {
        raw.mark();
        final String id = uniqueId();
        post(JSON, "{\"id\":\"" + id + "\",\"text\":\"timed\"}").statusCode(202);
        final ConsumerRecord<String, Review> record = raw.readUntilKey(id).stream()
                .filter(r -> id.equals(r.key())).findFirst().orElseThrow();
        final StageTimes times = StageTimes.read(record.headers());
        assertThat(times.channel()).isEqualTo(StageTimes.Channel.HTTP);
        assertThat(times.time(StageTimes.Point.RECEIVED)).isEqualTo(record.value().receivedAt());
        assertThat(times.time(StageTimes.Point.RAW)).isAfterOrEqualTo(record.value().receivedAt());
        assertThat(times.time(StageTimes.Point.ENCODED)).isNull();
    }

    @Test
    void missingIdIsGeneratedAndReturned() {
        raw.mark();
        final String id = post(JSON, "{\"text\":\"배우들의 연기가 좋았다\",\"lang\":\"ko\"}")
                .statusCode(202).extract().path("ids[0]");
        assertThat(id).hasSize(36);
        final Review review = raw.readUntilKey(id).stream().filter(r -> id.equals(r.key())).findFirst()
                .orElseThrow().value();
        assertThat(review.text()).isEqualTo("배우들의 연기가 좋았다");
        assertThat(review.lang()).isEqualTo(Lang.KO);
    }

    @Test
    void jsonArrayBatchIsCommittedWholeWithIdsInOrder() {
        raw.mark();
        final String a = uniqueId();
        final String b = uniqueId();
        final String c = uniqueId();
        post(JSON, "[{\"id\":\"" + a + "\",\"text\":\"one\"},{\"id\":\"" + b + "\",\"text\":\"two\"},"
                + "{\"id\":\"" + c + "\",\"text\":\"three\"}]")
                .statusCode(202).body("accepted", equalTo(3)).body("ids", equalTo(List.of(a, b, c)));
        final Map<String, Review> written = committed(List.of(a, b, c));
        assertThat(written).containsOnlyKeys(a, b, c);
        assertThat(written.get(b).text()).isEqualTo("two");
        assertThat(written.get(a).receivedAt()).isEqualTo(written.get(c).receivedAt());
    }

    @Test
    void ndjsonBatchIsAccepted() {
        raw.mark();
        final String a = uniqueId();
        final String b = uniqueId();
        post(NDJSON, "{\"id\":\"" + a + "\",\"text\":\"first line\"}\n\n{\"id\":\"" + b + "\",\"text\":\"second\"}\n")
                .statusCode(202).body("ids", equalTo(List.of(a, b)));
        assertThat(committed(List.of(a, b)).get(a).text()).isEqualTo("first line");
    }

    /** The reviews with these ids committed since the mark (waits until all are there). */
    private static Map<String, Review> committed(final List<String> ids) {
        final Map<String, Review> found = new java.util.HashMap<>();
        raw.readUntil(r -> {
            if (ids.contains(r.key())) {
                found.put(r.key(), r.value());
            }
            return found.keySet().containsAll(ids);
        });
        return found;
    }

    static Stream<Arguments> badInputs() {
        final String tooLongText = "a".repeat(2_001);
        final String deep = "[".repeat(100) + "]".repeat(100);
        return Stream.of(
                // name, content type, body, status, reason, field, index
                Arguments.of("malformed JSON", JSON, "{\"text\": \"oops", 400, "INVALID_JSON", null, null),
                Arguments.of("truncated array", JSON, "[{\"text\":\"a\"},", 400, "INVALID_JSON", null, 1),
                Arguments.of("empty body", JSON, "", 400, "INVALID_JSON", null, null),
                Arguments.of("wrong type", JSON, "{\"text\": 42}", 400, "INVALID_TYPE", "text", null),
                Arguments.of("top-level string", JSON, "\"text\"", 400, "INVALID_TYPE", null, null),
                Arguments.of("null text", JSON, "{\"text\": null}", 400, "BLANK_TEXT", "text", null),
                Arguments.of("blank text", JSON, "{\"text\": \"  \\n \"}", 400, "BLANK_TEXT", "text", null),
                Arguments.of("text too long", JSON, "{\"text\":\"" + tooLongText + "\"}", 400, "TEXT_TOO_LONG", "text", null),
                Arguments.of("control character", JSON, "{\"text\":\"a\\u0000b\"}", 400, "INVALID_TEXT", "text", null),
                Arguments.of("id too long", JSON, "{\"text\":\"a\",\"id\":\"" + "i".repeat(129) + "\"}", 400, "INVALID_ID",
                        "id", null),
                Arguments.of("id not printable", JSON, "{\"text\":\"a\",\"id\":\"a\\u0001b\"}", 400, "INVALID_ID", "id", null),
                Arguments.of("unknown lang", JSON, "{\"text\":\"a\",\"lang\":\"de\"}", 400, "UNKNOWN_LANG", "lang", null),
                Arguments.of("bad attributes", JSON, "{\"text\":\"a\",\"attributes\":{\"k\":1}}", 400, "INVALID_ATTRIBUTES",
                        "attributes", null),
                Arguments.of("bad source", JSON, "{\"text\":\"a\",\"source\":\"\\u0007\"}", 400, "INVALID_SOURCE", "source",
                        null),
                Arguments.of("unexpected field", JSON, "{\"text\":\"a\",\"rating\":5}", 400, "UNKNOWN_FIELD", "rating", null),
                Arguments.of("duplicate key", JSON, "{\"text\":\"a\",\"text\":\"b\"}", 400, "INVALID_JSON", "text", null),
                Arguments.of("NaN", JSON, "{\"text\":NaN}", 400, "INVALID_JSON", null, null),
                Arguments.of("deep nesting", JSON, "{\"text\":\"a\",\"attributes\":" + deep + "}", 400, "INVALID_JSON", null,
                        null),
                Arguments.of("empty batch", JSON, "[]", 400, "INVALID_TYPE", null, null),
                Arguments.of("bad NDJSON lines", NDJSON, "{\"text\":\n{\"text\":\n", 400, "INVALID_JSON", null, 0),
                Arguments.of("too many items", JSON, "[" + String.join(",", java.util.Collections.nCopies(11,
                        "{\"text\":\"a\"}")) + "]", 413, "TOO_MANY_ITEMS", null, null),
                Arguments.of("body over limit", JSON, "{\"text\":\"" + "a".repeat(70_000) + "\"}", 413, "BODY_TOO_LARGE",
                        null, null),
                Arguments.of("unsupported media type", "text/plain", "{\"text\":\"a\"}", 415, "UNSUPPORTED_MEDIA_TYPE", null,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsAProblemBodyAndNothingReachesRaw(final String name, final String contentType, final String body,
                                                     final int status, final String reason, final String field,
                                                     final Integer index) {
        raw.mark();
        final ValidatableResponse response = post(contentType, body)
                .statusCode(status)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(status))
                .body("reason", equalTo(reason))
                .body("type", startsWith(Problem.TYPE_PREFIX))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body("detail", org.hamcrest.Matchers.notNullValue())
                .body("field", equalTo(field))
                .body("index", equalTo(index));
        assertThat(response.extract().asString()).doesNotContain("a".repeat(100));
        committedUpToSentinel();
    }

    @Test
    void invalidUtf8IsInvalidJson() {
        raw.mark();
        final byte[] body = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        given().contentType(JSON).body(body).when().post("/reviews").then()
                .statusCode(400).contentType(Problem.MEDIA_TYPE).body("reason", equalTo("INVALID_JSON"));
        committedUpToSentinel();
    }

    /**
     * Keys committed to reviews.raw since the mark, without a sentinel posted now; read until the sentinel and
     * every expected key showed up (partitions interleave, so any order), so that a refused item committed by
     * mistake shows up as an extra key.
     */
    private static List<String> keysUpToSentinel(final String... expected) {
        final String sentinel = uniqueId();
        post(JSON, "{\"id\":\"" + sentinel + "\",\"text\":\"sentinel\"}").statusCode(202);
        final java.util.Set<String> wanted = new java.util.HashSet<>(List.of(expected));
        wanted.add(sentinel);
        final java.util.Set<String> seen = new java.util.HashSet<>();
        final List<String> keys = new java.util.ArrayList<>(raw.readUntil(r -> {
            seen.add(r.key());
            return seen.containsAll(wanted);
        }).stream().map(ConsumerRecord::key).toList());
        keys.remove(sentinel);
        return keys;
    }

    @Test
    void bulkAcceptsTheValidItemsAndRefusesEachInvalidOneWithItsReason() {
        raw.mark();
        final String a = uniqueId();
        final String b = uniqueId();
        final String badLang = uniqueId();
        post(JSON, "[{\"id\":\"" + a + "\",\"text\":\"fine\"},{\"text\":\"\"},{\"id\":\"" + badLang
                + "\",\"text\":\"x\",\"lang\":\"fr\"},{\"text\":\"y\",\"id\":\"" + "z".repeat(200) + "\"},"
                + "{\"id\":\"" + b + "\",\"text\":\"also fine\"}]")
                .statusCode(202)
                .contentType(JSON)
                .body("accepted", equalTo(2))
                .body("ids", equalTo(List.of(a, b)))
                .body("rejected.index", equalTo(List.of(1, 2, 3)))
                .body("rejected.code", equalTo(List.of("BLANK_TEXT", "UNKNOWN_LANG", "INVALID_ID")))
                .body("rejected.field", equalTo(List.of("text", "lang", "id")))
                .body("rejected.id", equalTo(java.util.Arrays.asList(null, badLang, null)))
                .body("rejected[1].detail", equalTo("lang must be \"en\", \"ko\" or absent (auto-detect)"));
        assertThat(keysUpToSentinel(a, b)).as("exactly the valid items").containsExactlyInAnyOrder(a, b);
    }

    @Test
    void ndjsonBulkRefusesAMalformedLineAndKeepsTheOthers() {
        raw.mark();
        final String a = uniqueId();
        final String b = uniqueId();
        post(NDJSON, "{\"id\":\"" + a + "\",\"text\":\"first\"}\n{\"text\": oops}\n{\"id\":\"" + b
                + "\",\"text\":\"third\",\"extra\":1}\n{\"text\":\"fourth\",\"id\":\"" + b + "-4\"}\n")
                .statusCode(202)
                .body("accepted", equalTo(2))
                .body("ids", equalTo(List.of(a, b + "-4")))
                .body("rejected.index", equalTo(List.of(1, 2)))
                .body("rejected.code", equalTo(List.of("INVALID_JSON", "UNKNOWN_FIELD")))
                .body("rejected[1].id", equalTo(b));
        assertThat(keysUpToSentinel(a, b + "-4")).containsExactlyInAnyOrder(a, b + "-4");
    }

    @Test
    void bulkWithOnlyInvalidItemsIs400WithEachRejection() {
        raw.mark();
        post(JSON, "[{\"text\":\"\"},{\"text\":7}]")
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("reason", equalTo("BLANK_TEXT"))
                .body("detail", startsWith("all 2 items are invalid; nothing was accepted"))
                .body("rejected.index", equalTo(List.of(0, 1)))
                .body("rejected.code", equalTo(List.of("BLANK_TEXT", "INVALID_TYPE")));
        committedUpToSentinel();
    }

    @Test
    void malformedJsonInsideAnArrayRefusesTheWholeBodyEvenInBulkMode() {
        raw.mark();
        post(JSON, "[{\"id\":\"" + uniqueId() + "\",\"text\":\"fine\"},{\"text\": oops}]")
                .statusCode(400)
                .body("reason", equalTo("INVALID_JSON"))
                .body("index", equalTo(1))
                .body("detail", startsWith("the body cannot be read item by item, so the request was refused as a "
                        + "whole and nothing was accepted: malformed JSON at line 1"));
        committedUpToSentinel();
    }

    @Test
    void atomicBatchWithBadItemsListsEveryFailingItemAndAcceptsNone() {
        raw.mark();
        final String good = uniqueId();
        given().contentType(JSON).queryParam("atomic", true).body(("[{\"id\":\"" + good
                        + "\",\"text\":\"fine\"},{\"text\":\"\"},{\"text\":\"x\",\"lang\":\"fr\"},"
                        + "{\"text\":\"y\",\"id\":\"" + "z".repeat(200) + "\"}]").getBytes(StandardCharsets.UTF_8))
                .when().post("/reviews").then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("reason", equalTo("BLANK_TEXT"))
                .body("index", equalTo(1))
                .body("errors", hasSize(3))
                .body("errors.index", equalTo(List.of(1, 2, 3)))
                .body("errors.reason", equalTo(List.of("BLANK_TEXT", "UNKNOWN_LANG", "INVALID_ID")))
                .body("errors.field", equalTo(List.of("text", "lang", "id")))
                .body("detail", startsWith("3 of 4 items are invalid"))
                .body("rejected.index", equalTo(List.of(1, 2, 3)));
        committedUpToSentinel();
    }

    @ParameterizedTest
    @MethodSource("notABooleanFlag")
    void atomicOtherThanTrueOrFalseIsRefusedNamingTheValueAndAcceptsNone(final String value) {
        raw.mark();
        given().contentType(JSON).queryParam("atomic", value).body(("[{\"id\":\"" + uniqueId()
                        + "\",\"text\":\"fine\"},{\"text\":\"\"}]").getBytes(StandardCharsets.UTF_8))
                .when().post("/reviews").then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("reason", equalTo("INVALID_PARAMETER"))
                .body("title", equalTo("Invalid query parameter"))
                .body("type", equalTo(Problem.TYPE_PREFIX + "invalid-parameter"))
                .body("detail", equalTo("query parameter atomic must be true or false, not '" + value + "'"));
        committedUpToSentinel();
    }

    static Stream<String> notABooleanFlag() {
        return Stream.of("1", "yes", "TRUE", "0", "");
    }

    @Test
    void atomicGivenTwiceIsRefusedNamingBothValues() {
        raw.mark();
        given().contentType(JSON).body(("{\"id\":\"" + uniqueId() + "\",\"text\":\"fine\"}")
                        .getBytes(StandardCharsets.UTF_8))
                .when().post("/reviews?atomic=true&atomic=false").then()
                .statusCode(400)
                .body("reason", equalTo("INVALID_PARAMETER"))
                .body("detail", equalTo("query parameter atomic must be true or false, not 'true' and 'false'"));
        committedUpToSentinel();
    }

    @Test
    void atomicFalseSaidExplicitlyJudgesEachItemOnItsOwn() {
        raw.mark();
        final String good = uniqueId();
        given().contentType(JSON).queryParam("atomic", "false").body(("[{\"id\":\"" + good
                        + "\",\"text\":\"fine\"},{\"text\":\"\"}]").getBytes(StandardCharsets.UTF_8))
                .when().post("/reviews").then()
                .statusCode(202)
                .body("accepted", equalTo(1))
                .body("ids", equalTo(List.of(good)))
                .body("rejected.index", equalTo(List.of(1)));
        assertThat(raw.readUntilKey(good)).extracting(ConsumerRecord::key).containsExactly(good);
    }

    @Test
    void chunkedBodyOverTheLimitIsRefusedWhileReading() {
        raw.mark();
        final byte[] big = ("[{\"text\":\"" + "b".repeat(100_000) + "\"}]").getBytes(StandardCharsets.UTF_8);
        given().contentType(JSON).body(new ByteArrayInputStream(big)).when().post("/reviews").then()
                .statusCode(413).contentType(Problem.MEDIA_TYPE).body("reason", equalTo("BODY_TOO_LARGE"));
        committedUpToSentinel();
    }
}
