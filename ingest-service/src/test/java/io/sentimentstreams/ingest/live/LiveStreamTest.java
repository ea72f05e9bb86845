package io.sentimentstreams.ingest.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.ingest.MetricsScrapeDumping;
import io.sentimentstreams.ingest.rest.Problem;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.testkit.KafkaTestResource;
import io.sentimentstreams.testkit.TestBroker;
import io.sentimentstreams.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET /reviews/stream on the real broker: results written to reviews.labeled in committed transactions reach the
 * stream and those of an aborted transaction never do; the lang/label filters; bad filter values; heartbeats; and
 * a client that stops reading (a raw socket with a tiny receive window, so "not reading" really fills the path to
 * it) ending with an overflow event while a fast client on the same feed receives everything.
 */
@QuarkusTest
@TestProfile(LiveStreamTest.SmallBuffer.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class LiveStreamTest extends MetricsScrapeDumping {

    static final int BUFFER = 16;

    public static final class SmallBuffer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sentiment.ingest.live.buffer-events", String.valueOf(BUFFER),
                    "sentiment.ingest.live.heartbeat", "1s",
                    "sentiment.ingest.live.overflow-grace", "60s");
        }
    }

    @TestHTTPResource("/reviews/stream")
    URL stream;

    private static KafkaProducer<String, LabeledReview> producer;

    @BeforeAll
    static void producer() {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "live-stream-test-" + UUID.randomUUID(),
                ProducerConfig.ACKS_CONFIG, "all"),
                Topics.LABELED.keySerde().serializer(), Topics.LABELED.valueSerde().serializer());
        producer.initTransactions();
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @Test
    void committedResultsReachTheStreamAndAbortedOnesNever() throws Exception {
        try (SseReader client = new SseReader(stream.toString())) {
            assertThat(client.status()).isEqualTo(200);
            assertThat(client.contentType()).startsWith("text/event-stream");
            await().atMost(Duration.ofSeconds(10)).until(() -> client.comments().contains("connected"));

            final String run = UUID.randomUUID().toString();
            producer.beginTransaction();
            producer.send(record(labeled(run + "-aborted", Lang.EN, Label.POSITIVE), null));
            producer.flush();
            producer.abortTransaction();
            final List<LabeledReview> committed = List.of(labeled(run + "-1", Lang.EN, Label.POSITIVE),
                    labeled(run + "-2", Lang.KO, Label.NEGATIVE), labeled(run + "-3", Lang.EN, Label.NEGATIVE));
            commit(committed, null);

            await().atMost(Duration.ofSeconds(30)).until(() -> client.ids().size() >= committed.size());
            assertThat(client.ids()).containsExactlyInAnyOrder(run + "-1", run + "-2", run + "-3");
            for (final SseReader.Event e : client.events()) {
                final LabeledReview sent = Json.read(e.data(), LabeledReview.class);
                assertThat(sent).isEqualTo(committed.stream().filter(r -> r.id().equals(e.id())).findFirst()
                        .orElseThrow());
            }
            // Later committed results still come, so the aborted one is not merely late.
            commit(List.of(labeled(run + "-4", Lang.EN, Label.POSITIVE)), null);
            await().atMost(Duration.ofSeconds(30)).until(() -> client.ids().contains(run + "-4"));
            assertThat(client.ids()).doesNotContain(run + "-aborted").hasSize(4);
        }
    }

    @Test
    void filtersSelectByLanguageAndLabel() throws Exception {
        try (SseReader ko = new SseReader(stream + "?lang=ko");
             SseReader negative = new SseReader(stream + "?label=NEGATIVE");
             SseReader koNegative = new SseReader(stream + "?lang=ko&label=NEGATIVE")) {
            for (final SseReader c : List.of(ko, negative, koNegative)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> c.comments().contains("connected"));
            }
            final String run = UUID.randomUUID().toString();
            // One partition keeps the order, and the last record matches every filter: once a client has it,
            // it has been offered everything before it.
            commit(List.of(labeled(run + "-en-pos", Lang.EN, Label.POSITIVE),
                    labeled(run + "-en-neg", Lang.EN, Label.NEGATIVE),
                    labeled(run + "-ko-pos", Lang.KO, Label.POSITIVE),
                    labeled(run + "-ko-neg", Lang.KO, Label.NEGATIVE),
                    labeled(run + "-last", Lang.KO, Label.NEGATIVE)), 0);
            for (final SseReader c : List.of(ko, negative, koNegative)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> c.ids().contains(run + "-last"));
            }
            assertThat(ko.ids()).containsExactly(run + "-ko-pos", run + "-ko-neg", run + "-last");
            assertThat(negative.ids()).containsExactly(run + "-en-neg", run + "-ko-neg", run + "-last");
            assertThat(koNegative.ids()).containsExactly(run + "-ko-neg", run + "-last");
        }
    }

    @Test
    void badFilterValuesAre400WithTheReason() {
        given().when().get("/reviews/stream?lang=fr").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("reason", equalTo("INVALID_PARAMETER"))
                .body("detail", equalTo("query parameter lang must be 'en' or 'ko', not 'fr'"));
        given().when().get("/reviews/stream?label=positive").then().statusCode(400)
                .body("reason", equalTo("INVALID_PARAMETER"))
                .body("detail", equalTo("query parameter label must be 'NEGATIVE' or 'POSITIVE', not 'positive'"));
        given().when().get("/reviews/stream?lang=en&lang=ko").then().statusCode(400)
                .body("detail", containsString("may be given once, not 2 times"));
        given().when().get("/reviews/stream?lang=").then().statusCode(400)
                .body("detail", equalTo("query parameter lang must be 'en' or 'ko', not ''"));
    }

    @Test
    void openApiDescribesTheStreamAndItsFilters() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/reviews/stream'.get.summary", containsString("Server-Sent Events"))
                .body("paths.'/reviews/stream'.get.parameters.name", org.hamcrest.Matchers.hasItems("lang", "label"))
                .body("paths.'/reviews/stream'.get.responses.'200'.content", org.hamcrest.Matchers.hasKey(
                        "text/event-stream"));
    }

    @Test
    void theLivePageIsServedAtTheRoot() {
        given().when().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("live.js")).body(containsString("id=\"api-key\""));
        given().when().get("/live.js").then().statusCode(200).body(containsString("/reviews/stream"));
    }

    @Test
    void anIdleStreamGetsHeartbeats() throws Exception {
        try (SseReader client = new SseReader(stream.toString())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.comments().contains("heartbeat"));
            assertThat(client.events()).allMatch(e -> e.name().equals("message"));
        }
    }

    @Test
    void aClientThatStopsReadingGetsOverflowAndIsClosedWhileAFastClientKeepsReceiving() throws Exception {
        final double overflowsBefore = metric("sentiment_ingest_live_overflows_total");
        try (SseReader fast = new SseReader(stream.toString());
             Socket slow = new Socket()) {
            slow.setReceiveBufferSize(1024);
            slow.connect(new java.net.InetSocketAddress(stream.getHost(), stream.getPort()), 5000);
            final OutputStream request = slow.getOutputStream();
            request.write(("GET /reviews/stream HTTP/1.1\r\nHost: " + stream.getHost() + ":" + stream.getPort()
                    + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            request.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> fast.comments().contains("connected")
                    && metric("sentiment_ingest_live_clients") >= 2);

            // Batches small enough for the fast client's buffer, each awaited before the next; the slow client
            // reads nothing until the service has dropped it.
            final String run = UUID.randomUUID().toString();
            // Large results fill the socket buffers on the way to the slow client in a few batches.
            final String padding = "x".repeat(32_000);
            final List<String> sent = new ArrayList<>();
            for (int batch = 0; batch < 400 && metric("sentiment_ingest_live_overflows_total") <= overflowsBefore;
                 batch++) {
                final List<LabeledReview> reviews = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    reviews.add(new LabeledReview(LabeledReview.SCHEMA, run + "-" + batch + "-" + i,
                            "slow client padding " + padding, Lang.EN, Label.POSITIVE, 0.9, "imdb-en", 1,
                            Instant.parse("2026-12-04T10:00:00Z"), Instant.parse("2026-12-04T10:00:01Z")));
                }
                commit(reviews, null);
                reviews.forEach(r -> sent.add(r.id()));
                final int expected = sent.size();
                await().atMost(Duration.ofSeconds(30)).until(() -> fast.ids().size() >= expected);
            }
            System.err.printf("slow client dropped after %d results%n", sent.size());
            final List<String> sentBeforeDrop = List.copyOf(sent);
            assertThat(metric("sentiment_ingest_live_overflows_total")).as("the slow client was dropped")
                    .isEqualTo(overflowsBefore + 1);

            // The fast client is unaffected: it has everything, keeps its stream, and still receives.
            commit(List.of(labeled(run + "-after", Lang.EN, Label.NEGATIVE)), null);
            sent.add(run + "-after");
            await().atMost(Duration.ofSeconds(30)).until(() -> fast.ids().contains(run + "-after"));
            assertThat(fast.ids()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(fast.ended()).isFalse();
            assertThat(fast.events()).noneMatch(e -> e.name().equals("overflow"));

            // The slow client now reads: what was queued for it, then the overflow event, then the end.
            slow.setSoTimeout(30_000);
            final String body = dechunk(slow.getInputStream());
            final List<String> events = List.of(body.split("\n\n"));
            final String last = events.get(events.size() - 1);
            assertThat(last).startsWith("event: overflow\ndata: ");
            final Map<?, ?> overflow = Json.read(last.substring(last.indexOf("data: ") + 6), Map.class);
            assertThat((String) overflow.get("reason")).contains("fell behind").contains("buffer-events");
            assertThat(overflow.get("bufferEvents")).isEqualTo(BUFFER);
            final List<String> slowIds = events.stream().filter(e -> e.startsWith("id: "))
                    .map(e -> e.substring(4, e.indexOf('\n'))).toList();
            assertThat(slowIds).as("results queued before the overflow; nothing after it")
                    .isSubsetOf(sentBeforeDrop).doesNotContain(run + "-after");
            assertThat(metric("sentiment_ingest_live_events_total")).isGreaterThanOrEqualTo(sent.size());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("sentiment_ingest_live_clients") == 0);
    }

    /** The body of an HTTP/1.1 chunked response read to the end of the connection. */
    private static String dechunk(final InputStream raw) throws IOException {
        final byte[] all = raw.readAllBytes();
        final String text = new String(all, StandardCharsets.UTF_8);
        final int start = text.indexOf("\r\n\r\n");
        assertThat(text).startsWith("HTTP/1.1 200");
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int pos = start + 4;
        while (true) {
            final int eol = text.indexOf("\r\n", pos);
            final int size = Integer.parseInt(text.substring(pos, eol).strip(), 16);
            if (size == 0) {
                break;
            }
            // Chunk sizes count bytes; the frames are ASCII apart from review text, which is ASCII here.
            body.write(all, eol + 2, size);
            pos = eol + 2 + size + 2;
        }
        return body.toString(StandardCharsets.UTF_8).strip();
    }

    private static void commit(final List<LabeledReview> reviews, final Integer partition) {
        producer.beginTransaction();
        reviews.forEach(r -> producer.send(record(r, partition)));
        producer.commitTransaction();
    }

    private static ProducerRecord<String, LabeledReview> record(final LabeledReview review, final Integer partition) {
        return new ProducerRecord<>(Topics.LABELED.name(), partition, review.id(), review);
    }

    private static LabeledReview labeled(final String id, final Lang lang, final Label label) {
        return new LabeledReview(LabeledReview.SCHEMA, id, "text of " + id, lang, label,
                label == Label.POSITIVE ? 0.8 : 0.2, lang == Lang.KO ? "nsmc-ko" : "imdb-en", 3,
                Instant.parse("2026-12-04T10:00:00Z"), Instant.parse("2026-12-04T10:00:00.250Z"));
    }

    private static double metric(final String series) {
        return given().get("/q/metrics").asString().lines().filter(l -> l.startsWith(series + " ")
                        || l.startsWith(series + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
