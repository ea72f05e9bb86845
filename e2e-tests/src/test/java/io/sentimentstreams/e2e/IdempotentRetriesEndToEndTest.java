package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.topics.Topics;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A review id is its idempotency key across the whole system: the sample reviews are sent over HTTP, then,
 * after preprocess-service was killed (kill -9) and restarted, sent again over HTTP (a client's retry) and
 * over {@code reviews.inbound} (the other channel). Each is labeled exactly once (read_committed), every
 * resubmission is counted as a repeat, and the one id resubmitted with another text is an
 * {@code ID_CONFLICT} dead letter.
 */
class IdempotentRetriesEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void resubmittedReviewsAreLabeledOnceAcrossChannelsAndARestartAndAChangedTextIsAConflict() throws Exception {
        final Path home = Repo.home();
        final List<DemoInput> reviews = DemoInput.sample();
        try (PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress)
                     .start(Stack.shippedModels(home), Duration.ofSeconds(180));
             ResultCollector results = new ResultCollector(stack.bootstrapServers(), r -> { }, d -> { })) {
            for (final String service : List.of("ingest-service", "preprocess-service", "inference-service")) {
                // The JDK's default client offers the h2c upgrade; the services must answer in HTTP/1.1.
                assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        stack.service(service).baseUrl() + "/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.discarding()).version()).as(service)
                        .isEqualTo(HttpClient.Version.HTTP_1_1);
            }
            final IngestClient client = new IngestClient(stack.service("ingest-service").baseUrl());
            assertThat(client.post(reviews, "e2e")).isNull();
            await().atMost(Duration.ofSeconds(180)).until(() -> results.labeled().size() >= reviews.size());

            // A restart from a crash: the store of encoded ids comes back from its changelog.
            stack.restartService("preprocess-service", true, Duration.ofSeconds(180));
            assertThat(client.post(reviews, "e2e-retry")).isNull();
            sendInbound(stack.bootstrapServers(), reviews);
            final DemoInput changed = reviews.get(0);
            assertThat(client.post(List.of(new DemoInput(changed.id(), changed.text() + " Edited.", changed.lang(),
                    null)), "e2e-conflict")).isNull();

            final String metrics = stack.service("preprocess-service").baseUrl() + "/q/metrics";
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> repeats(metrics) >= 2 * reviews.size() && conflicts(results).size() == 1);
            assertThat(repeats(metrics)).as("every resubmission with the same text is a repeat")
                    .isEqualTo(2.0 * reviews.size());
            final DeadLetter conflict = conflicts(results).get(0);
            assertThat(conflict.id()).isEqualTo(changed.id());
            assertThat(conflict.stage()).isEqualTo(Stage.PREPROCESS);
            assertThat(results.labeled().keySet())
                    .containsExactlyInAnyOrderElementsOf(reviews.stream().map(DemoInput::id).toList());
            assertThat(results.duplicates()).as("labeled more than once").isEmpty();
        }
    }

    private static List<DeadLetter> conflicts(final ResultCollector results) {
        return results.deadLetters().stream().filter(d -> d.reason() == Reason.ID_CONFLICT).toList();
    }

    private static double repeats(final String metricsUrl) throws Exception {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metricsUrl))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> l.startsWith("sentiment_preprocess_repeats_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static void sendInbound(final String bootstrap, final List<DemoInput> reviews) throws Exception {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (final DemoInput r : reviews) {
                final Map<String, String> review = r.lang() == null ? Map.of("id", r.id(), "text", r.text())
                        : Map.of("id", r.id(), "text", r.text(), "lang", r.lang());
                producer.send(new ProducerRecord<>(Topics.INBOUND.name(), Json.writeBytes(review)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }
}
