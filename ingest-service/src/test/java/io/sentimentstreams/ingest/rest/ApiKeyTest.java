package io.sentimentstreams.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sentimentstreams.testkit.KafkaTestResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * X-API-Key enabled with one key from configuration and one from a mounted key file, on POST /reviews and on
 * GET /reviews/stream.
 */
@QuarkusTest
@TestProfile(ApiKeyTest.KeysRequired.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class ApiKeyTest {

    public static final class KeysRequired implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                final Path file = Files.createTempFile("ingest-keys", ".txt");
                file.toFile().deleteOnExit();
                Files.writeString(file, "# producers\nfile-key-456\n\n");
                return Map.of(
                        "sentiment.ingest.api-key.enabled", "true",
                        "sentiment.ingest.api-key.keys", "config-key-123",
                        "sentiment.ingest.api-key.file", file.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final String BODY = "{\"text\":\"authenticated review\"}";

    @TestHTTPResource("/reviews/stream")
    URL stream;

    @Test
    void missingKeyIs401WithProblemBody() {
        given().contentType("application/json").body(BODY).when().post("/reviews").then()
                .statusCode(401).contentType(Problem.MEDIA_TYPE).body("reason", equalTo("UNAUTHORIZED"))
                .header("WWW-Authenticate", org.hamcrest.Matchers.containsString("X-API-Key"));
    }

    @Test
    void wrongKeyIs401() {
        given().header("X-API-Key", "config-key-12").contentType("application/json").body(BODY)
                .when().post("/reviews").then().statusCode(401).body("reason", equalTo("UNAUTHORIZED"));
    }

    @Test
    void keyFromConfigurationIsAccepted() {
        given().header("X-API-Key", "config-key-123").contentType("application/json").body(BODY)
                .when().post("/reviews").then().statusCode(202);
    }

    @Test
    void keyFromTheMountedFileIsAccepted() {
        given().header("X-API-Key", "file-key-456").contentType("application/json").body(BODY)
                .when().post("/reviews").then().statusCode(202);
    }

    @Test
    void unauthenticatedOversizedBodyIs401NotRead() {
        given().contentType("application/json").body("{\"text\":\"" + "x".repeat(70_000) + "\"}")
                .when().post("/reviews").then().statusCode(401);
    }

    @Test
    void theResultsStreamNeedsTheKeyToo() throws Exception {
        given().when().get("/reviews/stream").then().statusCode(401).contentType(Problem.MEDIA_TYPE)
                .body("reason", equalTo("UNAUTHORIZED"))
                .header("WWW-Authenticate", org.hamcrest.Matchers.containsString("X-API-Key"));
        given().header("X-API-Key", "config-key-12").when().get("/reviews/stream").then().statusCode(401);
        final HttpResponse<InputStream> open = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                        URI.create(stream.toString())).header("X-API-Key", "file-key-456").build(),
                HttpResponse.BodyHandlers.ofInputStream()).get(30, TimeUnit.SECONDS);
        try (InputStream body = open.body()) {
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(open.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        }
    }

    @Test
    void healthNeedsNoKey() {
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
