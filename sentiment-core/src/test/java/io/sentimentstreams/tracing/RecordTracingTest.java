package io.sentimentstreams.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecordTracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
            .build();
    private final RecordTracing tracing = RecordTracing.of(sdk);

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void spanStartedFromRecordHeadersContinuesTheProducersTrace() {
        final Span span = tracing.start("preprocess", SpanKind.CONSUMER, tracing.extract(headers(PARENT)));
        span.end();

        final SpanData data = exported.getFinishedSpanItems().get(0);
        assertThat(data.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(data.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void recordWithoutTraceparentStartsANewTrace() {
        final Span span = tracing.start("inbound", SpanKind.CONSUMER, tracing.extract(new RecordHeaders()));
        span.end();

        final SpanData data = exported.getFinishedSpanItems().get(0);
        assertThat(data.getTraceId()).isNotEqualTo(TRACE_ID).hasSize(32);
        assertThat(data.getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void injectReplacesTheW3cHeadersAndLeavesOthersAlone() {
        final Headers out = headers(PARENT);
        out.add(RecordTracing.TRACESTATE, "vendor=old".getBytes(StandardCharsets.UTF_8));
        out.add("sentiment-t-raw", "123".getBytes(StandardCharsets.UTF_8));
        final Span span = tracing.start("stage", SpanKind.CONSUMER, tracing.extract(headers(PARENT)));

        tracing.inject(span, out);
        span.end();

        assertThat(out.headers(RecordTracing.TRACEPARENT)).hasSize(1);
        assertThat(value(out, RecordTracing.TRACEPARENT))
                .isEqualTo("00-" + TRACE_ID + "-" + span.getSpanContext().getSpanId() + "-01");
        assertThat(out.lastHeader(RecordTracing.TRACESTATE)).isNull();
        assertThat(value(out, "sentiment-t-raw")).isEqualTo("123");
    }

    @Test
    void propagateCopiesTheConsumedRecordsContextOnly() {
        final Headers from = headers(PARENT);
        from.add(RecordTracing.TRACESTATE, "vendor=a".getBytes(StandardCharsets.UTF_8));
        from.add("other", "x".getBytes(StandardCharsets.UTF_8));
        final Headers to = new RecordHeaders();

        tracing.propagate(from, to);

        assertThat(value(to, RecordTracing.TRACEPARENT)).isEqualTo(PARENT);
        assertThat(value(to, RecordTracing.TRACESTATE)).isEqualTo("vendor=a");
        assertThat(to.lastHeader("other")).isNull();
    }

    @Test
    void batchSpanIsItsOwnRootWithALinkToEachRecordsTrace() {
        final String other = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        final Span batch = tracing.startBatch("inference batch",
                List.of(headers(PARENT), headers(other), new RecordHeaders()));
        batch.end();

        final SpanData data = exported.getFinishedSpanItems().get(0);
        assertThat(data.getTraceId()).isNotIn(TRACE_ID, "0af7651916cd43dd8448eb211c80319c");
        assertThat(data.getLinks()).extracting(l -> l.getSpanContext().getTraceId())
                .containsExactly(TRACE_ID, "0af7651916cd43dd8448eb211c80319c");
        assertThat(data.getAttributes().get(RecordTracing.BATCH_SIZE)).isEqualTo(3L);
    }

    @Test
    void offReadsWritesAndRecordsNothing() {
        final Headers to = new RecordHeaders();
        final RecordTracing off = RecordTracing.OFF;

        off.propagate(headers(PARENT), to);
        off.inject(Context.root().with(Span.wrap(SpanContext.getInvalid())), to);

        assertThat(off.enabled()).isFalse();
        assertThat(to.toArray()).isEmpty();
        assertThat(Span.fromContext(off.extract(headers(PARENT))).getSpanContext().isValid()).isFalse();
        assertThat(off.start("x", SpanKind.CONSUMER, Context.root()).getSpanContext().isValid()).isFalse();
        assertThat(off.startBatch("x", List.of(headers(PARENT))).isRecording()).isFalse();
    }

    private static Headers headers(final String traceparent) {
        final Headers h = new RecordHeaders();
        h.add(RecordTracing.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        return h;
    }

    private static String value(final Headers h, final String key) {
        return new String(h.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
