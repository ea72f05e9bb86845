package io.sentimentstreams.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A service's Prometheus text from {@code /q/metrics}, and the sum of one metric's samples in it. */
final class MetricsScrape {

    private MetricsScrape() {
    }

    static String fetch(final HttpClient http, final String baseUrl) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics")).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum over every label set of {@code metric} (e.g. {@code sentiment_preprocess_records_total}). */
    static double sum(final String body, final String metric) {
        double sum = 0;
        for (final String line : body.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
