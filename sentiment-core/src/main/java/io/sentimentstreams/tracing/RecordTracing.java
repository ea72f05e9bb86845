package io.sentimentstreams.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.kafka.common.header.Headers;

/**
 * A review's W3C trace context on its way through Kafka: read from a consumed record's headers, written into
 * the headers of every record a stage produces for that review (results and dead letters alike), and the
 * spans the stages open around it. Only {@code traceparent} and {@code tracestate} are touched, with
 * OpenTelemetry's W3C propagator, whatever propagators the service configures. {@link #OFF} (tracing
 * disabled) reads and writes nothing and opens no span, so a service without tracing pays one branch.
 */
public final class RecordTracing {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    /** The instrumentation scope of the spans the stages open. */
    public static final String SCOPE = "io.sentimentstreams";

    public static final AttributeKey<String> REVIEW_ID = AttributeKey.stringKey("sentiment.review.id");
    /** What became of a record when it was neither forwarded nor dead-lettered (a repeat, say). */
    public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("sentiment.outcome");
    public static final AttributeKey<String> DLQ_REASON = AttributeKey.stringKey("sentiment.dlq.reason");
    public static final AttributeKey<String> TOPIC = AttributeKey.stringKey("messaging.destination.name");
    public static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    public static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.destination.partition.id");
    public static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    public static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("messaging.batch.message_count");

    /** Tracing off: no header read or written, no span. */
    public static final RecordTracing OFF = new RecordTracing(null);

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

    private final Tracer tracer;

    private RecordTracing(final Tracer tracer) {
        this.tracer = tracer;
    }

    /** Tracing through {@code openTelemetry}'s tracer (its sampler decides which traces are recorded). */
    public static RecordTracing of(final OpenTelemetry openTelemetry) {
        return new RecordTracing(openTelemetry.getTracer(SCOPE));
    }

    public boolean enabled() {
        return tracer != null;
    }

    /** The context the record's producer put in its headers, else the root context (a span started under it is a new trace). */
    public Context extract(final Headers headers) {
        if (tracer == null || headers == null) {
            return Context.root();
        }
        return W3C.extract(Context.root(), headers, KafkaHeaders.INSTANCE);
    }

    /** Writes {@code context}'s span into {@code headers}, replacing any W3C headers there (none when it has no valid span). */
    public void inject(final Context context, final Headers headers) {
        if (tracer == null || headers == null) {
            return;
        }
        headers.remove(TRACEPARENT);
        headers.remove(TRACESTATE);
        W3C.inject(context, headers, KafkaHeaders.INSTANCE);
    }

    /** Writes {@code span}'s context into {@code headers}; see {@link #inject(Context, Headers)}. */
    public void inject(final Span span, final Headers headers) {
        inject(Context.root().with(span), headers);
    }

    /** A record produced for a consumed one carries the consumed record's trace: {@code to} gets {@code from}'s context. */
    public void propagate(final Headers from, final Headers to) {
        if (tracer == null) {
            return;
        }
        inject(extract(from), to);
    }

    /** Starts a span named {@code name} under {@code parent} (a new trace when it holds no span); invalid when off. */
    public Span start(final String name, final SpanKind kind, final Context parent) {
        if (tracer == null) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).startSpan();
    }

    /**
     * Starts a record's span inside a batch: a child of the record's own trace ({@code parent}) with a link to the
     * batch's span (the current one), so the review's trace shows the stage and the batch shows its records.
     */
    public Span startInBatch(final String name, final Context parent) {
        if (tracer == null) {
            return Span.getInvalid();
        }
        final SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(SpanKind.CONSUMER).setParent(parent);
        final SpanContext batch = Span.current().getSpanContext();
        if (batch.isValid()) {
            builder.addLink(batch);
        }
        return builder.startSpan();
    }

    /** Starts a span under the current context (the HTTP request's span in a REST resource); invalid when off. */
    public Span startChild(final String name) {
        if (tracer == null) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(name).setSpanKind(SpanKind.INTERNAL).startSpan();
    }

    /** Marks a stage's span as ending in a dead letter with {@code reason} (a {@code Reason} code, never review text). */
    public static void deadLettered(final Span span, final String reason) {
        span.setStatus(StatusCode.ERROR, reason);
        span.setAttribute(DLQ_REASON, reason);
    }

    /**
     * Starts a span for a batch of records from different traces: a root of its own with a link to each
     * record's span context, so every review's trace leads to the batch that handled it; invalid when off.
     */
    public Span startBatch(final String name, final Iterable<Headers> records) {
        if (tracer == null) {
            return Span.getInvalid();
        }
        final SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(SpanKind.CONSUMER).setNoParent()
                .setAttribute(MESSAGING_SYSTEM, "kafka");
        long n = 0;
        for (final Headers headers : records) {
            n++;
            final SpanContext linked = Span.fromContext(extract(headers)).getSpanContext();
            if (linked.isValid()) {
                builder.addLink(linked);
            }
        }
        return builder.setAttribute(BATCH_SIZE, n).startSpan();
    }
}
