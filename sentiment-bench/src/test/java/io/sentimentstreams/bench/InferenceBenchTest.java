package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench inference} on its random reference network, cut to one batch size and fractions of a second:
 * the engines measured in alternating rounds, the ratios and both peak figures in the JSON line.
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

    @Test
    void comparesOnnxRuntimeInBothThreadingsAndReportsItsRatios() throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = new InferenceBench().run(List.of("--seconds", "0.6", "--warmup", "0.2", "--batches", "32",
                        "--engines", "fast,onnxruntime,dl4j", "--lengths", "full", "--rounds", "2", "--threads", "2",
                        "--peak", "false"),
                InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        final String log = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(log).isZero();
        final JsonNode report = Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8).trim());
        final List<String> engines = new ArrayList<>();
        for (final JsonNode r : report.get("results")) {
            engines.add(r.get("engine").asText());
            assertThat(r.get("reviews_per_s").asDouble()).as(r.toString()).isPositive();
            // --peak false: no peak measured, so no fraction of it.
            assertThat(r.get("fraction_of_peak").isNull()).as(r.toString()).isTrue();
        }
        assertThat(engines).containsExactly("fast", "onnxruntime 2x1", "onnxruntime 1x2", "dl4j");
        assertThat(report.get("fast_vs_ort_b32").asDouble()).isPositive();
        assertThat(report.get("fast_vs_ort_b32_per_cpu").asDouble()).isPositive();
        assertThat(report.get("fast_vs_dl4j_b32").asDouble()).isPositive();
        assertThat(report.get("sgemm_peak_gflops").asDouble()).isZero();
    }

    @Test
    void onnxRuntimeIsAmongTheDefaultEnginesAndABadPeakValueIsRefused() throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(new InferenceBench().run(List.of("--help"), InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("[--engines fast,onnxruntime,dl4j]");
        assertThatThrownBy(() -> new InferenceBench().run(List.of("--peak", "maybe"), InputStream.nullInputStream(),
                System.out, System.err)).isInstanceOf(UsageException.class)
                .hasMessage("--peak must be true or false, got 'maybe'");
    }
}
