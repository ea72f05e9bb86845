package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void histogramQuantileYieldsOnlyTheBucketSeries() {
        assertThat(PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(sentiment_inference_e2e_latency_seconds_bucket{namespace=~\"$namespace\", service=~\"$service\"}[$__rate_interval])))"))
                .containsExactly("sentiment_inference_e2e_latency_seconds_bucket");
    }

    @Test
    void labelNamesStringsDurationsAndKeywordsAreNotMetrics() {
        assertThat(PromQl.metricNames(
                "sum by (job, reason) (increase(a_total{reason=\"up or down\"}[15m] offset 1h)) / on (job) group_left(model) b_info > bool 1e3 unless c"))
                .containsExactly("a_total", "b_info", "c");
    }

    @Test
    void grafanaLabelValuesReadsOnlyItsSelector() {
        assertThat(PromQl.metricNames("label_values(up{job=~\"ingest-service\"}, namespace)")).containsExactly("up");
    }

    @Test
    void vectorAndScalarLiteralsAreNotMetrics() {
        assertThat(PromQl.metricNames("(sum(rate(x_total[5m])) or vector(0)) / scalar(sum(y))")).containsExactly("x_total", "y");
    }
}
