package io.sentimentstreams.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.sentimentstreams.testkit.KafkaTestResource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With one request slot, a request whose body is still arriving holds the slot (admission happens
 * before the body is read, which is what bounds memory), so the next request gets 429 with Retry-After.
 * The generous wait is for a loaded CI machine, not a latency claim.
 */
@QuarkusTest
@TestProfile(AdmissionControlTest.OneSlot.class)
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class AdmissionControlTest {

    public static final class OneSlot implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sentiment.ingest.http.max-in-flight", "1",
                    "sentiment.ingest.http.admission-timeout", "200ms",
                    "sentiment.ingest.http.retry-after-seconds", "3");
        }
    }

    @Test
    void secondRequestIsTooManyWhileTheFirstBodyIsStillArriving() throws Exception {
        try (Socket slow = new Socket("localhost", RestAssured.port)) {
            slow.setSoTimeout(120_000);
            final OutputStream out = slow.getOutputStream();
            out.write(("POST /reviews HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunk("[{\"text\":\"slow ")).getBytes(StandardCharsets.UTF_8));
            out.flush();

            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                    given().contentType("application/json").body("{\"text\":\"second\"}").when().post("/reviews")
                            .then().statusCode(429)
                            .header("Retry-After", equalTo("3"))
                            .contentType(Problem.MEDIA_TYPE)
                            .body("reason", equalTo("OVERLOADED")));

            out.write((chunk("upload\"}]") + "0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            final String statusLine = new BufferedReader(new InputStreamReader(slow.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            assertThat(statusLine).startsWith("HTTP/1.1 202");
        }
        given().contentType("application/json").body("{\"text\":\"after\"}").when().post("/reviews")
                .then().statusCode(202);
    }

    private static String chunk(final String data) {
        final byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return Integer.toHexString(bytes.length) + "\r\n" + data + "\r\n";
    }
}
