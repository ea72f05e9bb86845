package io.sentimentstreams.ingest.streams;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.ingest.metrics.IngestMetrics;
import io.sentimentstreams.ingest.validation.ItemResult;
import io.sentimentstreams.ingest.validation.ReviewValidator;
import io.sentimentstreams.ingest.validation.Violation;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.StageTimes;
import io.sentimentstreams.tracing.RecordTracing;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.jboss.logging.Logger;

/**
 * Validates each reviews.inbound record value with the shared {@link ReviewValidator} and forwards,
 * keyed by review id, either the {@link io.sentimentstreams.contracts.Review} or (key null) a
 * {@link DeadLetter} carrying the reason, every violation and the original bytes with their topic,
 * partition and offset; it never throws for a bad record.
 */
public final class InboundProcessor implements Processor<byte[], byte[], String, InboundOutcome> {

    /** Largest dead letter written: below the 1 MiB default max.message.bytes of reviews.dlq. */
    public static final int MAX_DEAD_LETTER_BYTES = 900 * 1024;
    private static final int[] PAYLOAD_CUTS = {64 * 1024, 8 * 1024};
    private static final Logger LOG = Logger.getLogger(InboundProcessor.class);

    private final ReviewValidator validator;
    static final String SPAN = "ingest inbound validate";

    private final IngestMetrics metrics;
    private final RecordTracing tracing;
    private ProcessorContext<String, InboundOutcome> context;

    public InboundProcessor(final ReviewValidator validator, final IngestMetrics metrics) {
        this(validator, metrics, RecordTracing.OFF);
    }

    /** With tracing: a record's span continues the trace its producer put in the headers, or starts one. */
    public InboundProcessor(final ReviewValidator validator, final IngestMetrics metrics, final RecordTracing tracing) {
        this.validator = validator;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    @Override
    public void init(final ProcessorContext<String, InboundOutcome> processorContext) {
        this.context = processorContext;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final Instant receivedAt = Instant.now();
        final Span span = tracing.start(SPAN, SpanKind.CONSUMER, tracing.extract(record.headers()));
        final InboundOutcome outcome = decide(record.value(), context.recordMetadata().orElse(null), receivedAt);
        // Whatever stage headers the producer set are replaced: the pipeline's times start here; the review's
        // trace context goes beside them.
        final StageTimes times = StageTimes.received(StageTimes.Channel.INBOUND, receivedAt);
        if (outcome.isAccepted()) {
            metrics.accepted(IngestMetrics.CHANNEL_INBOUND, 1);
            span.setAttribute(RecordTracing.REVIEW_ID, outcome.review().id());
            final Headers headers = times.at(StageTimes.Point.RAW, Instant.now()).toHeaders();
            tracing.inject(span, headers);
            context.forward(record.withKey(outcome.review().id()).withValue(outcome).withHeaders(headers));
        } else {
            metrics.rejected(IngestMetrics.CHANNEL_INBOUND, outcome.deadLetter().reason().name());
            metrics.deadLetter(outcome.deadLetter().reason());
            RecordTracing.deadLettered(span, outcome.deadLetter().reason().name());
            final Headers headers = times.toHeaders();
            tracing.inject(span, headers);
            context.forward(record.withKey((String) null).withValue(outcome).withHeaders(headers));
        }
        span.end();
    }

    /** The outcome for one record value received at {@code receivedAt}; package-visible for tests. */
    InboundOutcome decide(final byte[] value, final RecordMetadata where, final Instant receivedAt) {
        final String topic = where == null ? null : where.topic();
        final Integer partition = where == null ? null : where.partition();
        final Long offset = where == null ? null : where.offset();
        try {
            final ItemResult result = validator.validateDocument(value, null);
            if (result.isValid()) {
                return InboundOutcome.accepted(result.input().toReview(receivedAt));
            }
            final Violation first = result.violations().get(0);
            final String message = result.violations().stream()
                    .map(v -> (v.field() == null ? "" : v.field() + ": ") + v.reason() + ": " + v.detail())
                    .collect(Collectors.joining("; "));
            return InboundOutcome.rejected(deadLetter(first.reason(), message, value, topic, partition, offset));
        } catch (RuntimeException e) {
            // a validator bug must not stop the stream: dead-letter the record and say so loudly
            LOG.errorf(e, "unexpected error validating %s-%s@%s; dead-lettered", topic, partition, offset);
            return InboundOutcome.rejected(deadLetter(Reason.UNPARSEABLE_RECORD,
                    "internal error while validating: " + e.getClass().getName(), value, topic, partition, offset));
        }
    }

    /**
     * A dead letter that fits into one record: JSON escaping can grow a binary payload up to six-fold,
     * so when the serialized letter is too big the kept payload is cut further and the cut is said.
     */
    static DeadLetter deadLetter(final Reason reason, final String message, final byte[] original, final String topic,
                                 final Integer partition, final Long offset) {
        DeadLetter letter = DeadLetter.of(Stage.INGEST, reason, message, null, original, topic, partition, offset);
        for (final int cut : PAYLOAD_CUTS) {
            if (Json.writeBytes(letter).length <= MAX_DEAD_LETTER_BYTES) {
                return letter;
            }
            letter = DeadLetter.of(Stage.INGEST, reason, message + " (payload of " + original.length
                    + " bytes cut to " + cut + " bytes to fit the dead-letter topic)", null,
                    Arrays.copyOf(original, cut), topic, partition, offset).withOriginalLength(original.length);
        }
        return letter;
    }
}
