package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.e2e.OtlpReceiver.ReceivedSpan;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.tracing.RecordTracing;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces across the packaged system: the three services as JVMs with tracing on ({@code Stack.withOtlp}), exporting
 * to a test OTLP/HTTP endpoint. A review sent over HTTP with a known {@code traceparent} has spans in all three
 * services under that trace id (inference's batch span links to it) and its labeled record carries the trace; a
 * review dead-lettered by preprocess carries its own request's trace into {@code reviews.dlq}; a
 * {@code reviews.inbound} record with a {@code traceparent} header continues that trace. No span attribute holds
 * review text.
 */
class TracingEndToEndTest {

    private static final String HTTP_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String HTTP_PARENT = "00f067aa0ba902b7";
    private static final String CONFLICT_TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String INBOUND_TRACE = "5e1c0b4a9d3f4c2b8a7e6d5c4b3a2910";
    private static final String INBOUND_PARENT = "1a2b3c4d5e6f7081";
    private static final String TEXT = "What a wonderful, moving film. The cast was superb.";
    private static final String OTHER_TEXT = "A dull and tedious evening; I left early.";
    private static final String INBOUND_TEXT = "Terrible plot, awful acting, a waste of time.";

    @TempDir
    Path tmp;

    @Test
    void aReviewsTraceRunsThroughEveryServiceIntoItsResultAndDeadLetterAndInboundRecordsContinueTheirTrace()
            throws Exception {
        final Path home = Repo.home();
        try (OtlpReceiver otlp = OtlpReceiver.start();
             PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress)
                     .withOtlp(otlp.url())
                     .start(Stack.shippedModels(home), Duration.ofSeconds(180))) {
            final String ingest = stack.service("ingest-service").baseUrl();
            assertThat(post(ingest, "{\"id\":\"trace-1\",\"lang\":\"en\",\"text\":\"" + TEXT + "\"}",
                    traceparent(HTTP_TRACE, HTTP_PARENT))).isEqualTo(202);
            sendInbound(stack.bootstrapServers(), "{\"id\":\"trace-inbound-1\",\"lang\":\"en\",\"text\":\""
                    + INBOUND_TEXT + "\"}", traceparent(INBOUND_TRACE, INBOUND_PARENT));

            final Map<String, String> labeled = new ConcurrentHashMap<>();
            final Map<String, String> dead = new ConcurrentHashMap<>();
            try (KafkaConsumer<String, byte[]> consumer = consumer(stack.bootstrapServers())) {
                final List<TopicPartition> partitions = partitions(consumer, Topics.LABELED, Topics.DLQ);
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                awaitRecords(consumer, labeled, dead, () -> labeled.containsKey("trace-1"));
                // The same id with another text after the first was encoded: preprocess dead-letters it as ID_CONFLICT.
                assertThat(post(ingest, "{\"id\":\"trace-1\",\"lang\":\"en\",\"text\":\"" + OTHER_TEXT + "\"}",
                        traceparent(CONFLICT_TRACE, "b7ad6b7169203331"))).isEqualTo(202);
                awaitRecords(consumer, labeled, dead,
                        () -> labeled.containsKey("trace-inbound-1") && dead.containsKey("trace-1"));
            }
            assertThat(traceId(labeled.get("trace-1"))).as("labeled record's traceparent").isEqualTo(HTTP_TRACE);
            assertThat(traceId(dead.get("trace-1"))).as("dead letter's traceparent").isEqualTo(CONFLICT_TRACE);
            assertThat(traceId(labeled.get("trace-inbound-1"))).as("inbound review's traceparent")
                    .isEqualTo(INBOUND_TRACE);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                final List<ReceivedSpan> http = inTrace(otlp, HTTP_TRACE);
                assertThat(http).extracting(ReceivedSpan::service)
                        .contains("ingest-service", "preprocess-service", "inference-service");
                assertThat(http).extracting(ReceivedSpan::name)
                        .contains("ingest validate", "ingest write", "preprocess encode", "inference label");
                assertThat(otlp.spans()).filteredOn(s -> s.name().equals("inference batch"))
                        .anySatisfy(s -> assertThat(s.linkedTraceIds()).contains(HTTP_TRACE));
                assertThat(inTrace(otlp, CONFLICT_TRACE)).filteredOn(s -> s.service().equals("preprocess-service"))
                        .anySatisfy(s -> {
                            assertThat(s.error()).isTrue();
                            assertThat(s.attributes()).containsEntry("sentiment.dlq.reason", "ID_CONFLICT");
                        });
                assertThat(inTrace(otlp, INBOUND_TRACE)).anySatisfy(s -> {
                    assertThat(s.name()).isEqualTo("ingest inbound validate");
                    assertThat(s.parentSpanId()).isEqualTo(INBOUND_PARENT);
                });
                assertThat(inTrace(otlp, INBOUND_TRACE)).extracting(ReceivedSpan::service)
                        .contains("preprocess-service", "inference-service");
            });
            // The HTTP server span Quarkus opened continues the caller's span.
            assertThat(inTrace(otlp, HTTP_TRACE)).filteredOn(s -> s.service().equals("ingest-service"))
                    .anySatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(HTTP_PARENT));
            assertThat(otlp.spans()).allSatisfy(s -> assertThat(s.attributes().values())
                    .noneMatch(v -> v.contains("wonderful") || v.contains("tedious") || v.contains("Terrible")));
            // Exemplars (OpenMetrics only): the end-to-end latency histogram's buckets name the reviews' traces.
            assertThat(openMetrics(stack.service("inference-service").baseUrl()).lines()
                    .filter(l -> l.startsWith("sentiment_inference_e2e_latency_seconds_bucket"))
                    .filter(l -> l.contains("trace_id=\"" + HTTP_TRACE + "\"")
                            || l.contains("trace_id=\"" + INBOUND_TRACE + "\"")))
                    .as("e2e latency buckets with an exemplar of a review's trace").isNotEmpty();
        }
    }

    private static String openMetrics(final String base) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(base + "/q/metrics")).timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8").build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static List<ReceivedSpan> inTrace(final OtlpReceiver otlp, final String traceId) {
        return otlp.spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    private static String traceparent(final String traceId, final String spanId) {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    /** The trace id of a traceparent header value (null stays null, so a missing header fails the assertion). */
    private static String traceId(final String traceparent) {
        return traceparent == null || traceparent.isEmpty() ? null : traceparent.split("-")[1];
    }

    private static int post(final String ingest, final String json, final String traceparent) throws Exception {
        final HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(ingest + "/reviews")).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json").header(RecordTracing.TRACEPARENT, traceparent)
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    private static void sendInbound(final String bootstrap, final String json, final String traceparent)
            throws Exception {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(Topics.INBOUND.name(),
                    json.getBytes(StandardCharsets.UTF_8));
            record.headers().add(RecordTracing.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(final String bootstrap) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(final KafkaConsumer<String, byte[]> consumer,
                                                   final Topic<?, ?>... topics) {
        return java.util.Arrays.stream(topics).flatMap(t -> consumer.partitionsFor(t.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))).toList();
    }

    /** Reads labeled and dead-lettered records (key to traceparent header) until {@code done}. */
    private static void awaitRecords(final KafkaConsumer<String, byte[]> consumer, final Map<String, String> labeled,
                                     final Map<String, String> dead, final java.util.function.BooleanSupplier done) {
        await().atMost(Duration.ofSeconds(180)).until(() -> {
            for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                final Header h = r.headers().lastHeader(RecordTracing.TRACEPARENT);
                final String value = h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
                if (r.key() != null) {
                    (r.topic().equals(Topics.DLQ.name()) ? dead : labeled).put(r.key(), value);
                }
            }
            return done.getAsBoolean();
        });
    }
}
