package io.sentimentstreams.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sentimentstreams.testkit.KafkaTestResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** /q/health/ready, /q/metrics and /q/openapi of the running service. */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class HealthAndMetricsTest {

    @Test
    void readinessIsUpOnceKafkaAndTheInboundStreamRun() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP")));
    }

    @Test
    void metricsExportAcceptedRejectedLatencyAndBatchSize() {
        given().contentType("application/json").body("{\"text\":\"counted\"}").post("/reviews").then().statusCode(202);
        given().contentType("application/json").body("{\"text\":\"\"}").post("/reviews").then().statusCode(400);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("sentiment_ingest_reviews_total{channel=\"http\",outcome=\"accepted\",reason=\"none\"}"))
                .body(containsString("sentiment_ingest_reviews_total{channel=\"http\",outcome=\"rejected\",reason=\"BLANK_TEXT\"}"))
                .body(containsString("sentiment_ingest_http_requests_seconds_count{code=\"none\",status=\"202\"}"))
                .body(containsString("sentiment_ingest_http_requests_seconds_count{code=\"BLANK_TEXT\",status=\"400\"}"))
                .body(containsString("sentiment_ingest_batch_size_count{channel=\"http\"}"));
    }

    @Test
    void aBodyRefusedOnItsContentLengthIsCountedAsRejected() {
        final String series = "sentiment_ingest_reviews_total{channel=\"http\",outcome=\"rejected\","
                + "reason=\"BODY_TOO_LARGE\"}";
        final double before = sample(given().when().get("/q/metrics").asString(), series);
        // A byte[] body is sent with its Content-Length, so the guard refuses it before reading.
        final byte[] big = ("{\"text\":\"" + "a".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json").body(big).post("/reviews").then().statusCode(413)
                .body("reason", equalTo("BODY_TOO_LARGE")).body("detail", startsWith("Content-Length "));
        assertThat(sample(given().when().get("/q/metrics").asString(), series)).isEqualTo(before + 1);
    }

    private static double sample(final String metrics, final String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(
                l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }

    @Test
    void openApiDescribesThePostEndpointAndProblemBodies() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/reviews"))
                .body(containsString("application/x-ndjson"))
                .body(containsString("application/problem+json"))
                .body(containsString("ReviewEnvelope"))
                .body("paths.'/reviews'.post.parameters.name", hasItem("atomic"))
                .body("paths.'/reviews'.post.parameters.schema.type", hasItem("boolean"))
                .body(containsString("INVALID_PARAMETER"));
    }
}
