package io.sentimentstreams.inference.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.inference.TestBundles;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.inference.model.ModelRegistry;
import io.sentimentstreams.model.CanaryResult;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.tracing.RecordTracing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BatchScorer with tracing on: every record produced (labeled, per-label, dead letter) carries a span in its own
 * review's trace, linked to the batch span, with the model as attributes; the spans end at commit.
 */
class BatchTracingTest {

    private static final String MODEL = "trace-en";
    private static final String TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACE_B = "0af7651916cd43dd8448eb211c80319c";
    private static final Instant RECEIVED = Instant.parse("2026-12-01T00:00:00Z");

    private static ModelRegistry registry;

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();
    private final RecordTracing tracing = RecordTracing.of(sdk);

    @BeforeAll
    static void models() throws Exception {
        final Path tmp = Files.createTempDirectory("batch-tracing-test");
        final ModelBundle bundle = TestBundles.write(tmp, MODEL, 1, 7);
        registry = new ModelRegistry(b -> new LoadedModel(b.manifest().ref(), new HalfEngine(), "test",
                new CanaryResult(CanaryResult.Status.NOT_RUN, 0, Double.NaN, 1e-4, "test engine")), 2,
                tmp.resolve("cache"), new InferenceMetrics(new SimpleMeterRegistry()));
        registry.offer(bundle.manifest().ref().toString(), TestBundles.archive(bundle), bundle.digest());
        registry.markCaughtUp();
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    @Test
    void everyProducedRecordCarriesItsOwnReviewsTraceAndTheBatchLinksToThem() throws Exception {
        final BatchScorer scorer = new BatchScorer(registry, Duration.ofSeconds(1),
                new InferenceMetrics(new SimpleMeterRegistry()), tracing);
        final List<ConsumerRecord<String, byte[]>> batch = List.of(
                record(0, "a", encoded("a"), TRACE_A), record(1, "b", "{broken".getBytes(StandardCharsets.UTF_8), TRACE_B));

        final Span batchSpan = tracing.startBatch("inference batch",
                () -> batch.stream().map(ConsumerRecord::headers).iterator());
        final BatchScorer.Result result;
        try (Scope ignored = batchSpan.makeCurrent()) {
            result = scorer.score(batch, () -> false);
            assertThat(spans.getFinishedSpanItems()).as("record spans end at commit, not before").isEmpty();
            result.onCommit().forEach(Runnable::run);
        } finally {
            batchSpan.end();
        }

        final SpanData batchData = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("inference batch")).findFirst().orElseThrow();
        assertThat(batchData.getLinks()).extracting(l -> l.getSpanContext().getTraceId()).containsExactly(TRACE_A, TRACE_B);
        assertThat(batchData.getAttributes().get(BatchScorer.MODEL_NAME)).isEqualTo(MODEL);
        final SpanData a = recordSpan(TRACE_A);
        final SpanData b = recordSpan(TRACE_B);
        assertThat(a.getLinks()).extracting(l -> l.getSpanContext().getSpanId()).containsExactly(batchData.getSpanId());
        assertThat(a.getAttributes().get(BatchScorer.MODEL_VERSION)).isEqualTo(1L);
        assertThat(b.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(b.getAttributes().get(RecordTracing.DLQ_REASON)).isEqualTo("UNPARSEABLE_RECORD");

        assertThat(result.records()).hasSize(3);
        for (final ProducerRecord<String, byte[]> r : result.records()) {
            final String expected = r.topic().equals(Topics.DLQ.name()) ? "00-" + TRACE_B + "-" + b.getSpanId() + "-01"
                    : "00-" + TRACE_A + "-" + a.getSpanId() + "-01";
            assertThat(new String(r.headers().lastHeader(RecordTracing.TRACEPARENT).value(), StandardCharsets.UTF_8))
                    .as(r.topic()).isEqualTo(expected);
        }
    }

    @Test
    void withTracingOffNoTraceContextIsWrittenOnlyTheStageTimes() throws Exception {
        final BatchScorer scorer = new BatchScorer(registry, Duration.ofSeconds(1),
                new InferenceMetrics(new SimpleMeterRegistry()));
        final BatchScorer.Result result = scorer.score(List.of(record(0, "a", encoded("a"), TRACE_A)), () -> false);
        result.onCommit().forEach(Runnable::run);

        // The input's traceparent is not carried over either: outputs get a fresh header set.
        assertThat(result.records()).isNotEmpty().allSatisfy(r -> assertThat(r.headers().toArray())
                .isNotEmpty().allSatisfy(h -> assertThat(h.key()).startsWith("sentiment.")));
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    private SpanData recordSpan(final String traceId) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(BatchScorer.RECORD_SPAN) && s.getTraceId().equals(traceId))
                .findFirst().orElseThrow();
    }

    private static ConsumerRecord<String, byte[]> record(final long offset, final String key, final byte[] value,
                                                         final String traceId) {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(RecordTracing.TRACEPARENT, ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>(Topics.ENCODED.name(), 0, offset, 0L, TimestampType.CREATE_TIME, -1, -1, key, value,
                headers, Optional.empty());
    }

    private static byte[] encoded(final String id) {
        final int[] ids = new int[TestBundles.MAXLEN];
        ids[TestBundles.MAXLEN - 1] = 2;
        final EncodedReview e = new EncodedReview(EncodedReview.SCHEMA, id, "text of " + id, Lang.EN, "test", RECEIVED,
                Map.of(), MODEL, 1, ids, 1, 0, RECEIVED);
        return Topics.ENCODED.valueSerde().serializer().serialize(Topics.ENCODED.name(), e);
    }

    /** P(positive) 0.75 for every row. */
    private static final class HalfEngine implements SentimentModel {
        @Override
        public String engine() {
            return "test";
        }

        @Override
        public float[] score(final int[][] ids) {
            final float[] out = new float[ids.length];
            java.util.Arrays.fill(out, 0.75f);
            return out;
        }

        @Override
        public void close() {
        }
    }
}
