package io.sentimentstreams.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sentimentstreams.testkit.KafkaTestResource;
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
    void openApiDescribesThePostEndpointAndProblemBodies() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body(containsString("/reviews"))
                .body(containsString("application/x-ndjson"))
                .body(containsString("application/problem+json"))
                .body(containsString("ReviewEnvelope"));
    }
}
