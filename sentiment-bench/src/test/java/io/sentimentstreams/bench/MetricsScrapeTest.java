package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsScrapeTest {

    @Test
    void sumsEveryLabelSetOfOneMetricAndNothingElse() {
        final String body = """
                # HELP sentiment_preprocess_records_total Reviews encoded
                # TYPE sentiment_preprocess_records_total counter
                sentiment_preprocess_records_total{lang="en",model="imdb-en",version="2"} 1200.0
                sentiment_preprocess_records_total{lang="ko",model="nsmc-ko",version="1"} 34.0
                sentiment_preprocess_records_total_created{lang="en"} 1.7E9
                sentiment_preprocess_records 5.0
                sentiment_inference_models_refused_total 2.0
                """;
        assertThat(MetricsScrape.sum(body, "sentiment_preprocess_records_total")).isEqualTo(1234.0);
        assertThat(MetricsScrape.sum(body, "sentiment_inference_models_refused_total")).isEqualTo(2.0);
        assertThat(MetricsScrape.sum(body, "sentiment_preprocess_models_refused_total")).isZero();
    }
}
