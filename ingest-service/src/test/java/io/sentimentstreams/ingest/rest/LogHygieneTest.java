package io.sentimentstreams.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sentimentstreams.testkit.KafkaTestResource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No log record of the service at any level carries review text, for accepted and rejected reviews alike
 * (the test's own HTTP client, which logs what it sends at DEBUG, is left out).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true)
class LogHygieneTest {

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(final LogRecord record) {
            final String logger = String.valueOf(record.getLoggerName());
            if (logger.startsWith("org.apache.http") || logger.startsWith("io.restassured")) {
                return; // the test's own HTTP client logs the bodies it sends: that is not the service
            }
            final String thrown = record.getThrown() == null ? "" : String.valueOf(record.getThrown());
            final Object[] params = record.getParameters();
            messages.add(record.getMessage() + " " + (params == null ? "" : java.util.Arrays.toString(params)) + " " + thrown);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level previous;

    @BeforeEach
    void listen() {
        final Logger root = Logger.getLogger("");
        previous = root.getLevel();
        root.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    @AfterEach
    void stop() {
        final Logger root = Logger.getLogger("");
        root.removeHandler(capture);
        root.setLevel(previous);
    }

    @Test
    void reviewTextNeverReachesTheLogs() {
        final String secret = "SECRET" + UUID.randomUUID().toString().replace("-", "");
        given().contentType("application/json").body("{\"text\":\"" + secret + "\"}").post("/reviews")
                .then().statusCode(202);
        given().contentType("application/json").body("{\"text\":\"" + secret + "\",\"lang\":\"xx\"}").post("/reviews")
                .then().statusCode(400);
        given().contentType("application/json").body("{\"text\":\"" + secret + "\u0001\"}").post("/reviews")
                .then().statusCode(400);
        given().contentType("application/json").body("{\"text\": \"" + secret).post("/reviews")
                .then().statusCode(400);
        given().contentType("application/json").body("{\"" + secret + "\": 1, \"text\": \"x\"}").post("/reviews")
                .then().statusCode(400);
        assertThat(messages).as("the capture sees the service's own rejection lines")
                .anyMatch(m -> m.contains("refused POST /reviews"));
        assertThat(messages).noneMatch(m -> m.contains(secret));
    }
}
