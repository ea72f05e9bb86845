package io.sentimentstreams.cli.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StageLatenciesTest {

    private static String hop(final String hop, final String channel, final double b1, final double b2,
                              final double inf, final double sum) {
        final String l = "channel=\"" + channel + "\",hop=\"" + hop + "\",model=\"imdb-en\"";
        return "sentiment_inference_hop_seconds_bucket{" + l + ",le=\"0.01\"} " + b1 + "\n"
                + "sentiment_inference_hop_seconds_bucket{" + l + ",le=\"0.1\"} " + b2 + "\n"
                + "sentiment_inference_hop_seconds_bucket{" + l + ",le=\"+Inf\"} " + inf + "\n"
                + "sentiment_inference_hop_seconds_count{" + l + "} " + inf + "\n"
                + "sentiment_inference_hop_seconds_sum{" + l + "} " + sum + "\n";
    }

    private static final String BEFORE = "# HELP sentiment_inference_hop_seconds hops\n"
            + hop("ingest_to_raw", "http", 10, 10, 10, 0.02)
            + hop("ingest_to_raw", "inbound", 0, 0, 0, 0)
            + "sentiment_inference_e2e_latency_seconds_bucket{model=\"imdb-en\",le=\"0.1\"} 10.0\n"
            + "sentiment_inference_e2e_latency_seconds_bucket{model=\"imdb-en\",le=\"+Inf\"} 10.0\n"
            + "sentiment_inference_e2e_latency_seconds_count{model=\"imdb-en\"} 10.0\n"
            + "sentiment_inference_e2e_latency_seconds_sum{model=\"imdb-en\"} 0.5\n"
            + "sentiment_inference_e2e_latency_seconds{model=\"imdb-en\",quantile=\"0.5\"} 0.05\n";

    private static final String AFTER = hop("ingest_to_raw", "http", 10, 10, 10, 0.02)
            // 100 new inbound samples: 50 up to 10 ms, 40 in (10, 100] ms, 10 above, one with an exemplar
            + hop("ingest_to_raw", "inbound", 50, 90, 100, 3.0).replace("le=\"+Inf\"} 100.0",
                    "le=\"+Inf\"} 100.0 # {trace_id=\"abc\"} 0.3 1765155000.000")
            + hop("raw_to_encoded", "inbound", 0, 100, 100, 5.0)
            + "sentiment_inference_e2e_latency_seconds_bucket{model=\"imdb-en\",le=\"0.1\"} 10.0\n"
            + "sentiment_inference_e2e_latency_seconds_bucket{model=\"imdb-en\",le=\"+Inf\"} 110.0\n"
            + "sentiment_inference_e2e_latency_seconds_count{model=\"imdb-en\"} 110.0\n"
            + "sentiment_inference_e2e_latency_seconds_sum{model=\"imdb-en\"} 8.5\n";

    @Test
    void theDifferenceOfTwoScrapesIsWhatWasRecordedBetweenThem() {
        final StageLatencies step = StageLatencies.parse(AFTER).minus(StageLatencies.parse(BEFORE));
        final StageLatencies.Histogram ingest = step.hops().get("ingest_to_raw");
        assertThat(ingest.count()).isEqualTo(100);
        assertThat(ingest.sum()).isCloseTo(3.0, within(1e-12));
        // rank 50 is the top of the first bucket; rank 99 lies in +Inf, reported as the largest finite bound
        assertThat(ingest.quantile(0.5)).isCloseTo(0.01, within(1e-12));
        assertThat(ingest.quantile(0.6)).isCloseTo(0.01 + 0.09 * 10 / 40, within(1e-12));
        assertThat(ingest.quantile(0.99)).isEqualTo(0.1);
        assertThat(step.hops().get("raw_to_encoded").quantile(0.5)).isCloseTo(0.055, within(1e-12));
        assertThat(step.hops().get("encoded_to_labeled").count()).isZero();
        assertThat(step.hops().get("encoded_to_labeled").quantile(0.5)).isNaN();
        assertThat(step.endToEnd().count()).isEqualTo(100);
        assertThat(step.endToEnd().sum()).isCloseTo(8.0, within(1e-12));
        assertThat(step.hopSumSeconds()).isCloseTo(8.0, within(1e-12));
        assertThat(step.hops().keySet()).containsExactly("ingest_to_raw", "raw_to_encoded", "encoded_to_labeled");
    }

    @Test
    void aLabelFilterKeepsOneChannel() {
        final StageLatencies http = StageLatencies.parse(AFTER, "channel=http");
        assertThat(http.hops().get("ingest_to_raw").count()).isEqualTo(10);
        assertThat(http.hops().get("raw_to_encoded").count()).isZero();
    }
}
