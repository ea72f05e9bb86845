package io.sentimentstreams.preprocess.streams;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.StageTimes;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import io.sentimentstreams.preprocess.model.ActiveModel;
import io.sentimentstreams.preprocess.model.ModelRegistry;
import io.sentimentstreams.preprocess.model.Routing;
import io.sentimentstreams.text.Encoding;
import io.sentimentstreams.text.LanguageDetector;
import io.sentimentstreams.tracing.RecordTracing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * A raw record of {@code reviews.raw} (bytes, parsed here) in; exactly one {@link Outcome} out: the review
 * encoded by the active model of its language, a dead letter with the reason and the original bytes, or
 * (idempotency on) nothing for a repeat of a review id already encoded with the same text.
 * Every per-record failure is caught here, so it lands in the dead-letter topic inside the same
 * exactly-once transaction and the stream goes on.
 *
 * <p>Idempotency: {@code reviews.raw} is keyed by review id, so every submission of an id, from either
 * ingest channel and any ingest instance, reaches the same partition and so this task's window store
 * (id to a fingerprint of the text, kept for the window and restored from its changelog after a restart).
 * The store is written in the same exactly-once transaction as the encoded review.
 */
final class PreprocessProcessor implements Processor<byte[], byte[], String, Outcome> {

    /** The per-record span: tokenize and encode one review (or dead-letter it). */
    static final String SPAN = "preprocess encode";

    private final ModelRegistry models;
    private final PreprocessMetrics metrics;
    private final TopologySettings settings;
    private final RecordTracing tracing;
    // One digest for the processor's life: Kafka Streams calls a processor instance from one thread only.
    private final MessageDigest sha256 = sha256();
    private ProcessorContext<String, Outcome> context;
    private WindowStore<String, Long> seen;

    PreprocessProcessor(final ModelRegistry models, final PreprocessMetrics metrics, final TopologySettings settings,
                        final RecordTracing tracing) {
        this.models = models;
        this.metrics = metrics;
        this.settings = settings;
        this.tracing = tracing;
    }

    @Override
    public void init(final ProcessorContext<String, Outcome> context) {
        this.context = context;
        this.seen = settings.dedupEnabled() ? context.getStateStore(PreprocessTopology.DEDUP_STORE) : null;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final long start = System.nanoTime();
        final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        final Span span = tracing.start(SPAN, SpanKind.CONSUMER, tracing.extract(record.headers()));
        final Outcome outcome = preprocess(key, record);
        if (outcome.isRepeat()) {
            metrics.repeated();
            metrics.latency("repeat", System.nanoTime() - start);
            span.setAttribute(RecordTracing.REVIEW_ID, key == null ? "" : key);
            span.setAttribute(RecordTracing.OUTCOME, "repeat");
            span.end();
            return;
        }
        // Outputs get a fresh header set: the stage times and the review's trace context (Kafka Streams would
        // otherwise forward every input header).
        final StageTimes times = StageTimes.read(record.headers());
        if (outcome.isEncoded()) {
            span.setAttribute(RecordTracing.REVIEW_ID, outcome.encoded().id());
            final Headers headers = times.at(StageTimes.Point.ENCODED, outcome.encoded().encodedAt()).toHeaders();
            tracing.inject(span, headers);
            context.forward(record.withKey(outcome.encoded().id()).withValue(outcome).withHeaders(headers));
        } else {
            metrics.deadLettered(outcome.deadLetter().reason());
            RecordTracing.deadLettered(span, outcome.deadLetter().reason().name());
            final Headers headers = times.toHeaders();
            tracing.inject(span, headers);
            context.forward(record.withKey(outcome.deadLetter().id()).withValue(outcome).withHeaders(headers));
        }
        metrics.latency(outcome.isEncoded() ? "encoded" : "dlq", System.nanoTime() - start);
        span.end();
    }

    private Outcome preprocess(final String key, final Record<byte[], byte[]> record) {
        final byte[] raw = record.value();
        final Review review;
        try {
            review = parse(raw);
        } catch (final IllegalArgumentException e) {
            return dead(Reason.UNPARSEABLE_RECORD, e.getMessage(), key, raw);
        }
        final String id = review.id() != null && !review.id().isBlank() ? review.id() : key;
        if (id == null || id.isBlank()) {
            return dead(Reason.UNPARSEABLE_RECORD, "review has no id and the record has no key", null, raw);
        }
        final long fingerprint = seen == null ? 0 : fingerprint(review.text());
        if (seen != null) {
            final Long known = encodedBefore(id, record.timestamp());
            if (known != null && known == fingerprint) {
                return Outcome.REPEAT;
            }
            if (known != null) {
                return dead(Reason.ID_CONFLICT, "review id was encoded within the last " + settings.dedupWindow()
                        + " with a different text; send a new id for a new review", id, raw);
            }
        }
        final Lang lang = LanguageDetector.resolve(review.lang(), review.text());
        final Optional<Routing> routing = routing(lang.wireName());
        final Routing.Choice choice = routing.map(r -> r.choose(id)).orElse(null);
        if (choice == null) {
            return dead(Reason.NO_MODEL, "no model is loaded for language '" + lang + "' (loaded: "
                    + models.snapshot().keySet() + ")", id, raw);
        }
        final ActiveModel model = choice.model();
        final Encoding encoding;
        try {
            encoding = model.encoder().encode(review.text());
        } catch (final RuntimeException | LinkageError | StackOverflowError e) {
            // The text pipeline promises not to throw; if it does anyway, the record is kept, not the stream stopped.
            return dead(Reason.PIPELINE_ERROR, "text pipeline of " + model.ref() + " failed: " + e, id, raw);
        }
        final EncodedReview.ShadowEncoding shadow = shadowEncoding(routing.get().shadow(), review.text());
        if (seen != null) {
            seen.put(id, fingerprint, record.timestamp());
        }
        metrics.encoded(lang.wireName(), model.ref(), encoding.tokenCount(), encoding.oovCount());
        return Outcome.of(new EncodedReview(EncodedReview.SCHEMA, id, review.text(), lang, review.source(),
                review.receivedAt(), review.attributes(), model.ref().name(), model.ref().version(), encoding.ids(),
                encoding.tokenCount(), encoding.oovCount(), Instant.now(), choice.route(), shadow));
    }

    /** The raw bytes as a {@link Review}, or an exception whose message says what is wrong with them. */
    static Review parse(final byte[] raw) {
        if (raw == null) {
            throw new IllegalArgumentException("record has no value (null)");
        }
        final Review review;
        try {
            review = Json.MAPPER.readValue(raw, Review.class);
        } catch (final Exception e) {
            throw new IllegalArgumentException("not a Review: " + firstLine(e.getMessage()));
        }
        if (review == null) {
            throw new IllegalArgumentException("not a Review: JSON null");
        }
        if (review.schema() > Review.SCHEMA) {
            throw new IllegalArgumentException("Review schema " + review.schema()
                    + " is newer than this service understands (" + Review.SCHEMA + ")");
        }
        if (review.text() == null) {
            throw new IllegalArgumentException("Review has no text");
        }
        return review;
    }

    /**
     * The text encoded by the shadow's own vocabulary, or null when no shadow runs. A shadow whose pipeline fails
     * costs the review its shadow score only, never its live label.
     */
    private EncodedReview.ShadowEncoding shadowEncoding(final ActiveModel shadow, final String text) {
        if (shadow == null) {
            return null;
        }
        try {
            final Encoding e = shadow.encoder().encode(text);
            return new EncodedReview.ShadowEncoding(shadow.ref().name(), shadow.ref().version(), e.ids(),
                    e.tokenCount(), e.oovCount());
        } catch (final RuntimeException | LinkageError | StackOverflowError e) {
            metrics.shadowPipelineError(shadow.ref().name());
            return null;
        }
    }

    private Optional<Routing> routing(final String lang) {
        if (!models.isCaughtUp()) {
            try {
                models.awaitInitialLoad(settings.initialLoadTimeout());
            } catch (final InterruptedException e) {
                // Shutting down: keep the flag for Kafka Streams and decide with what is loaded.
                Thread.currentThread().interrupt();
            }
        }
        return models.routing(lang);
    }

    /**
     * The text fingerprint of the latest encoding of {@code id} within the window around {@code timestamp}, or
     * null; around, not only before, because two ingest instances' clocks can disagree by a little.
     */
    private Long encodedBefore(final String id, final long timestamp) {
        final long window = settings.dedupWindow().toMillis();
        final long from = Math.max(0, timestamp - window);
        Long latest = null;
        try (WindowStoreIterator<Long> hits = seen.fetch(id, from, timestamp + window)) {
            while (hits.hasNext()) {
                latest = hits.next().value;
            }
        }
        return latest;
    }

    /** The first 64 bits of the text's SHA-256: equal texts match, different ones collide with odds of 2^-64. */
    long fingerprint(final String text) {
        // digest() resets the digest, so the next record starts from a clean state.
        return ByteBuffer.wrap(sha256.digest(text.getBytes(StandardCharsets.UTF_8))).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private Outcome dead(final Reason reason, final String message, final String id, final byte[] raw) {
        final Optional<RecordMetadata> meta = context.recordMetadata();
        return Outcome.of(DeadLetter.of(Stage.PREPROCESS, reason, message, id, raw,
                meta.map(RecordMetadata::topic).orElse(null),
                meta.map(RecordMetadata::partition).orElse(null),
                meta.map(RecordMetadata::offset).orElse(null)));
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "unreadable";
        }
        final int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
