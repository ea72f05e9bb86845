package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sentimentstreams.cli.run.StageLatencies;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.Lang;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndToEndBenchTest {

    @Test
    void soakSlopeIsTheLeastSquaresFitPerMinute() {
        assertThat(EndToEndBench.slope(List.of(300L, 302L, 304L, 306L))).isCloseTo(2.0, within(1e-9));
        assertThat(EndToEndBench.slope(List.of(300L, 310L, 300L, 310L))).isCloseTo(2.0, within(1e-9));
        assertThat(EndToEndBench.slope(List.of(400L, 400L, 400L))).isZero();
        assertThat(EndToEndBench.slope(List.of(400L))).isZero();
    }

    @Test
    void reviewIdsMapToTheirStep() {
        assertThat(EndToEndBench.step("e2e-12-345")).isEqualTo("e2e-12-");
        assertThat(EndToEndBench.step("e2e-3-0")).isEqualTo("e2e-3-");
        assertThat(EndToEndBench.step("other")).isEqualTo("other");
    }

    @Test
    void accuracyCountsOnlyResultsWithACorpusLabelPerModel() {
        final List<LabeledReview> labeled = List.of(result("a", Label.POSITIVE, "imdb-en"),
                result("b", Label.NEGATIVE, "imdb-en"), result("c", Label.POSITIVE, "imdb-en"),
                result("d", Label.NEGATIVE, "nsmc-ko"), result("unlabeled", Label.POSITIVE, "imdb-en"));
        final Map<String, long[]> t = EndToEndBench.tally(labeled, Map.of("a", 1, "b", 1, "c", 0, "d", 0));
        assertThat(t).containsOnlyKeys("imdb-en", "nsmc-ko");
        assertThat(t.get("imdb-en")).containsExactly(1, 3);
        assertThat(t.get("nsmc-ko")).containsExactly(1, 1);
    }

    @Test
    void efficiencyIsTheIrreduciblePartsOverTheSystemsCpuAndNullWhenAPartIsMissing() {
        assertThat(EndToEndBench.efficiency(100.0, 40.0, 360.0, 1000)).isEqualTo(0.5);
        assertThat(EndToEndBench.efficiency(null, 40.0, 360.0, 1000)).isNull();
        assertThat(EndToEndBench.efficiency(100.0, 40.0, 360.0, 0)).isNull();
    }

    @Test
    void stagesReportEachHopsPercentilesInMillisecondsAndNullWithoutSamples() {
        final String l = "channel=\"http\",model=\"imdb-en\"";
        final String text = "sentiment_inference_hop_seconds_bucket{" + l + ",hop=\"ingest_to_raw\",le=\"0.002\"} 4\n"
                + "sentiment_inference_hop_seconds_bucket{" + l + ",hop=\"ingest_to_raw\",le=\"+Inf\"} 4\n"
                + "sentiment_inference_hop_seconds_count{" + l + ",hop=\"ingest_to_raw\"} 4\n"
                + "sentiment_inference_hop_seconds_sum{" + l + ",hop=\"ingest_to_raw\"} 0.004\n"
                + "sentiment_inference_e2e_latency_seconds_count{model=\"imdb-en\"} 4\n"
                + "sentiment_inference_e2e_latency_seconds_sum{model=\"imdb-en\"} 0.008\n";
        final var json = EndToEndBench.stagesJson(StageLatencies.parse(text));
        assertThat(json.get("ingest_to_raw").get("count").asLong()).isEqualTo(4);
        assertThat(json.get("ingest_to_raw").get("p50_ms").asDouble()).isEqualTo(1.0);
        assertThat(json.get("ingest_to_raw").get("mean_ms").asDouble()).isEqualTo(1.0);
        assertThat(json.get("raw_to_encoded").get("p99_ms").isNull()).isTrue();
        assertThat(json.get("e2e_mean_ms").asDouble()).isEqualTo(2.0);
        assertThat(json.get("hops_mean_sum_ms").asDouble()).isEqualTo(1.0);
    }

    private static LabeledReview result(final String id, final Label label, final String model) {
        final Instant t = Instant.parse("2026-12-04T00:00:00Z");
        return new LabeledReview(LabeledReview.SCHEMA, id, "text", Lang.EN, label, 0.5, model, 1, t, t);
    }
}
