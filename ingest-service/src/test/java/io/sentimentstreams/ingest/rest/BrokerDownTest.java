package io.sentimentstreams.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service pointed at a port where no broker listens: POST /reviews must answer 503 with
 * Retry-After in bounded time (never 202), and readiness must be DOWN.
 */
@QuarkusTest
@TestProfile(BrokerDownTest.NoBroker.class)
class BrokerDownTest {

    /** sentiment.ingest.kafka.timeout for this profile; the bound asserted below is generous on purpose. */
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofSeconds(30);

    /** A bootstrap address nothing listens on. */
    public static final class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            final String dead = "127.0.0.1:" + deadPort();
            return Map.of(
                    "kafka.bootstrap.servers", dead,
                    "quarkus.kafka-streams.bootstrap-servers", dead,
                    "sentiment.ingest.kafka.timeout", KAFKA_TIMEOUT.toSeconds() + "s",
                    "sentiment.ingest.http.retry-after-seconds", "7");
        }

        private static int deadPort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void postAnswers503WithRetryAfterInBoundedTime() {
        for (int attempt = 0; attempt < 2; attempt++) {
            final long start = System.nanoTime();
            given().contentType("application/json").body("{\"text\":\"never accepted\"}")
                    .when().post("/reviews").then()
                    .statusCode(503)
                    .header("Retry-After", equalTo("7"))
                    .contentType(Problem.MEDIA_TYPE)
                    .body("reason", equalTo("BROKER_UNAVAILABLE"))
                    .body("detail", notNullValue());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
        }
    }

    @Test
    void batchIsRefusedWhole() {
        given().contentType("application/json").body("[{\"text\":\"a\"},{\"text\":\"b\"}]")
                .when().post("/reviews").then().statusCode(503).body("reason", equalTo("BROKER_UNAVAILABLE"));
    }

    @Test
    void badInputIsStill400WithoutTheBroker() {
        given().contentType("application/json").body("{\"text\":\"\"}")
                .when().post("/reviews").then().statusCode(400).body("reason", equalTo("BLANK_TEXT"));
    }

    @Test
    void readinessIsDown() {
        given().when().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
    }
}
