package io.sentimentstreams.preprocess.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import io.sentimentstreams.preprocess.model.LoadOutcome;
import io.sentimentstreams.preprocess.model.ModelRegistry;
import io.sentimentstreams.preprocess.testing.BundleFixtures;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.tracing.RecordTracing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preprocess topology with tracing on: a record's span continues its raw record's trace, outputs carry the span. */
class PreprocessTracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN = "00f067aa0ba902b7";

    @TempDir
    Path tmp;

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private TestOutputTopic<String, byte[]> encoded;
    private TestOutputTopic<String, byte[]> dlq;

    @BeforeEach
    void start() {
        final PreprocessMetrics metrics = new PreprocessMetrics(new SimpleMeterRegistry());
        final ModelRegistry registry = new ModelRegistry(tmp.resolve("cache"), metrics);
        registry.markCaughtUp();
        final BundleFixtures.Packed p = BundleFixtures.packed(tmp, "movies-en", 1, "en", List.of("great", "movie"));
        assertThat(registry.offer(p.key(), p.archive(), p.digest()).status()).isEqualTo(LoadOutcome.Status.LOADED);
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "preprocess-tracing-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve("state").toString());
        driver = new TopologyTestDriver(PreprocessTopology.build(registry, metrics,
                new TopologySettings(false, Duration.ofMinutes(10), Duration.ofMillis(1)), RecordTracing.of(sdk)), props);
        raw = driver.createInputTopic(Topics.RAW.name(), new StringSerializer(), new ByteArraySerializer());
        encoded = driver.createOutputTopic(Topics.ENCODED.name(), new StringDeserializer(), new ByteArrayDeserializer());
        dlq = driver.createOutputTopic(Topics.DLQ.name(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
        sdk.close();
    }

    @Test
    void encodedRecordCarriesItsSpanInTheTraceOfTheRawRecord() {
        raw.pipeInput(new TestRecord<>("r-1", review("r-1", "Great movie!"), traced(), Instant.now()));

        final TestRecord<String, byte[]> out = encoded.readRecord();
        final SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getName()).isEqualTo(PreprocessProcessor.SPAN);
        assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(PARENT_SPAN);
        assertThat(span.getAttributes().get(RecordTracing.REVIEW_ID)).isEqualTo("r-1");
        assertThat(traceparent(out.headers())).isEqualTo("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
        assertThat(out.headers().headers(RecordTracing.TRACEPARENT)).hasSize(1);
    }

    @Test
    void deadLetterCarriesTheTraceAndItsSpanSaysWhy() {
        raw.pipeInput(new TestRecord<>("bad", "{not json".getBytes(StandardCharsets.UTF_8), traced(), Instant.now()));

        final TestRecord<String, byte[]> out = dlq.readRecord();
        final SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(RecordTracing.DLQ_REASON)).isEqualTo("UNPARSEABLE_RECORD");
        assertThat(traceparent(out.headers())).isEqualTo("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
    }

    @Test
    void rawRecordWithoutContextStartsATrace() {
        raw.pipeInput("r-2", review("r-2", "Great movie!"));

        final TestRecord<String, byte[]> out = encoded.readRecord();
        final SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getParentSpanContext().isValid()).isFalse();
        assertThat(traceparent(out.headers())).contains(span.getTraceId());
    }

    private static Headers traced() {
        final Headers h = new RecordHeaders();
        h.add(RecordTracing.TRACEPARENT, ("00-" + TRACE_ID + "-" + PARENT_SPAN + "-01").getBytes(StandardCharsets.UTF_8));
        return h;
    }

    private static String traceparent(final Headers h) {
        return new String(h.lastHeader(RecordTracing.TRACEPARENT).value(), StandardCharsets.UTF_8);
    }

    private static byte[] review(final String id, final String text) {
        return Json.writeBytes(Review.of(id, text, null, "test", Instant.parse("2026-11-27T03:00:00Z"), Map.of()));
    }
}
