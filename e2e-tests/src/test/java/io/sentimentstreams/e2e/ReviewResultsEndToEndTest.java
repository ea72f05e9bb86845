package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.json.Json;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP callers get their results back from the packaged system (broker, the three services as JVMs, then a second
 * ingest-service): a POST then GET /reviews/{id} until LABELED; POST ?wait= answering LABELED; and with two ingest
 * instances every id answered by both, the lookups of ids owned by the other instance forwarded to it (interactive
 * queries), which the {@code X-Sentiment-Answered-By} header and the forwarded-lookups metric show.
 */
class ReviewResultsEndToEndTest {

    private static final String ANSWERED_BY = "X-Sentiment-Answered-By";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    @Test
    void callersFetchAndWaitForResultsFromEitherOfTwoIngestInstances() throws Exception {
        final Path home = Repo.home();
        final List<DemoInput> reviews = DemoInput.sample();
        try (PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress)
                     .start(Stack.shippedModels(home), Duration.ofSeconds(180))) {
            final String first = stack.service("ingest-service").baseUrl();
            assertThat(new IngestClient(first).post(reviews, "e2e-results")).isNull();
            for (final DemoInput review : reviews) {
                final Map<?, ?> result = awaitLabeled(first, review.id());
                assertThat(result.get("label")).isIn("POSITIVE", "NEGATIVE");
                assertThat(result.get("model")).isNotNull();
                assertThat(result.get("receivedAt")).isNotNull();
                assertThat(result.get("labeledAt")).isNotNull();
            }

            final HttpResponse<String> waited = HTTP.send(HttpRequest.newBuilder(URI.create(first
                            + "/reviews?wait=PT30S")).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"e2e-wait-1\",\"text\":\"A wonderful, "
                            + "moving film with a great cast.\",\"lang\":\"en\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(waited.statusCode()).as(waited.body()).isEqualTo(200);
            final Map<?, ?> answer = Json.read(waited.body(), Map.class);
            final Map<?, ?> waitedResult = (Map<?, ?>) ((List<?>) answer.get("results")).get(0);
            assertThat(waitedResult.get("id")).isEqualTo("e2e-wait-1");
            assertThat(waitedResult.get("status")).as(waited.body()).isEqualTo("LABELED");

            final String second = stack.addInstance("ingest-service", Duration.ofSeconds(180)).baseUrl();
            final List<String> ids = new ArrayList<>(reviews.stream().map(DemoInput::id).toList());
            ids.add("e2e-wait-1");
            final Set<String> answeredBy = new TreeSet<>();
            int forwarded = 0;
            for (final String id : ids) {
                final Map<String, Object> seen = new HashMap<>();
                for (final String instance : List.of(first, second)) {
                    // 503 + Retry-After while the two instances' results stores rebalance and restore
                    final HttpResponse<String>[] last = new HttpResponse[1];
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                            .until(() -> (last[0] = get(instance + "/reviews/" + id)).statusCode() == 200);
                    final Map<?, ?> result = Json.read(last[0].body(), Map.class);
                    assertThat(result.get("status")).as(instance + " on " + id).isEqualTo("LABELED");
                    seen.put(instance, result.get("label"));
                    final String by = last[0].headers().firstValue(ANSWERED_BY).orElseThrow();
                    answeredBy.add(by);
                    if (!instance.endsWith(by.substring(by.lastIndexOf(':')))) {
                        forwarded++;
                    }
                }
                assertThat(seen.get(first)).as("both instances give the same label for " + id)
                        .isEqualTo(seen.get(second));
            }
            assertThat(answeredBy).as("each instance owns some of the ids").hasSize(2);
            assertThat(forwarded).as("lookups answered by the other instance").isPositive();
            assertThat(forwardedMetric(first) + forwardedMetric(second)).isPositive();
        }
    }

    private static Map<?, ?> awaitLabeled(final String base, final String id) {
        final Map<?, ?>[] result = new Map[1];
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> {
            final HttpResponse<String> r = get(base + "/reviews/" + id);
            if (r.statusCode() != 200) {
                // 503 while the store starts; 404 for the moment between the 202 and the store reading reviews.raw
                assertThat(r.statusCode()).as(r.body()).isIn(404, 503);
                return false;
            }
            result[0] = Json.read(r.body(), Map.class);
            return "LABELED".equals(result[0].get("status"));
        });
        return result[0];
    }

    private static HttpResponse<String> get(final String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double forwardedMetric(final String base) throws Exception {
        return get(base + "/q/metrics").body().lines()
                .filter(l -> l.startsWith("sentiment_ingest_results_lookups_total{route=\"forwarded\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
