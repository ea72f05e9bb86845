package io.sentimentstreams.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench inference} on its random reference network, cut to one batch size and fractions of a second:
 * both engines measured in alternating rounds, the ratios and both peak figures in the JSON line.
 */
class InferenceBenchTest {

    @Test
    void measuresBothEnginesInAlternatingRoundsAndReportsRatiosAndPeaks() throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = new InferenceBench().run(List.of("--seconds", "0.6", "--warmup", "0.2", "--batches", "32",
                        "--engines", "fast,dl4j", "--lengths", "full", "--rounds", "2", "--threads", "2"),
                InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        final String log = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(log).isZero();
        final JsonNode report = Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8).trim());
        assertThat(report.get("results")).hasSize(2);
        for (final JsonNode r : report.get("results")) {
            assertThat(r.get("batch").asInt()).isEqualTo(32);
            assertThat(r.get("reviews_per_s").asDouble()).isPositive();
            assertThat(r.get("p99_ms").asDouble()).isGreaterThanOrEqualTo(r.get("p50_ms").asDouble());
        }
        assertThat(report.get("fast_vs_dl4j_b32").asDouble()).isPositive();
        assertThat(report.get("sgemm_peak_gflops").asDouble()).isPositive();
        assertThat(report.get("fma_peak_gflops").asDouble()).isPositive();
        assertThat(report.get("fast_vs_ort_b32").isNull()).isTrue();
        assertThat(log).contains("SGEMM peak", "vector FMA roofline", "fast", "dl4j");
    }
}
