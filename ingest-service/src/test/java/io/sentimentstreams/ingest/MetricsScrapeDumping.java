package io.sentimentstreams.ingest;

import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of this service's {@code @QuarkusTest}s that run against the broker: after each test the running
 * service's Prometheus scrape goes to {@code target/metrics-scrape-<test class>.txt}, for deploy-validation's
 * metric-name check.
 */
public abstract class MetricsScrapeDumping {

    @AfterEach
    protected void dumpMetricsScrape() throws IOException {
        Files.writeString(Path.of("target/metrics-scrape-" + getClass().getSimpleName() + ".txt"),
                RestAssured.given().get("/q/metrics").asString());
    }
}
