package io.sentimentstreams.inference.loop;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.inference.model.ServedModel;
import io.sentimentstreams.inference.model.ModelRegistry;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.StageTimes;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.tracing.RecordTracing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.jboss.logging.Logger;

/**
 * One consumed batch of {@code reviews.encoded} records in, the records to produce in its transaction
 * out: labeled reviews (to {@code reviews.labeled} and the per-label topic), shadow results (to
 * {@code reviews.shadow}, by {@link ShadowScorer}) and dead letters, in input order. Records are grouped by the
 * model version that encoded them and each group is scored with one engine call; meters that count outcomes are
 * deferred until the transaction commits.
 */
public final class BatchScorer {

    private static final Logger LOG = Logger.getLogger(BatchScorer.class);

    private final ModelRegistry registry;
    private final long versionWaitNanos;
    private final InferenceMetrics metrics;
    private final ShadowScorer shadows;
    private final RecordTracing tracing;

    /** One review's part of a batch, in the review's trace. */
    static final String RECORD_SPAN = "inference label";
    static final AttributeKey<String> MODEL_NAME = AttributeKey.stringKey("sentiment.model.name");
    static final AttributeKey<Long> MODEL_VERSION = AttributeKey.longKey("sentiment.model.version");

    /** Thrown when the worker is stopping while a batch waits for a model: the batch is not committed. */
    public static final class Abandoned extends Exception {
        Abandoned() {
            super("batch abandoned: the worker is stopping", null, false, false);
        }
    }

    /** What a batch turned into: the records to send and the meters to record once they are committed. */
    public record Result(List<ProducerRecord<String, byte[]>> records, List<Runnable> onCommit, int labeled,
                         int deadLettered) {
    }

    public BatchScorer(final ModelRegistry registry, final Duration versionWait, final InferenceMetrics metrics) {
        this(registry, versionWait, metrics, RecordTracing.OFF);
    }

    /** With tracing: every record produced carries the trace of the record it came from. */
    public BatchScorer(final ModelRegistry registry, final Duration versionWait, final InferenceMetrics metrics,
                       final RecordTracing tracing) {
        this.registry = registry;
        this.versionWaitNanos = versionWait.toNanos();
        this.metrics = metrics;
        this.shadows = new ShadowScorer(registry, versionWaitNanos, metrics);
        this.tracing = tracing;
    }

    public RecordTracing tracing() {
        return tracing;
    }

    public Result score(final List<ConsumerRecord<String, byte[]>> batch, final BooleanSupplier stop)
            throws InterruptedException, Abandoned {
        final int n = batch.size();
        final List<List<ProducerRecord<String, byte[]>>> out = new ArrayList<>(n);
        final List<Runnable> onCommit = new ArrayList<>();
        final Map<ModelRef, List<Integer>> groups = new LinkedHashMap<>();
        final EncodedReview[] parsed = new EncodedReview[n];
        final ShadowScorer.Live[] live = new ShadowScorer.Live[n];
        int dead = 0;
        for (int i = 0; i < n; i++) {
            out.add(List.of());
            final ConsumerRecord<String, byte[]> r = batch.get(i);
            final String problem;
            EncodedReview review = null;
            if (r.value() == null) {
                problem = "empty record value (tombstone)";
            } else {
                String p;
                try {
                    review = Json.MAPPER.readValue(r.value(), EncodedReview.class);
                    p = invalid(review);
                } catch (Exception e) {
                    p = "not an EncodedReview: " + firstLine(e.getMessage());
                }
                problem = p;
            }
            if (problem != null) {
                out.set(i, List.of(deadLetter(r, Reason.UNPARSEABLE_RECORD, problem, idOf(r, review), onCommit)));
                dead++;
                continue;
            }
            parsed[i] = review;
            groups.computeIfAbsent(new ModelRef(review.model(), review.modelVersion()), k -> new ArrayList<>()).add(i);
        }
        int labeled = 0;
        for (final Map.Entry<ModelRef, List<Integer>> group : groups.entrySet()) {
            final ModelRegistry.Lookup lookup = registry.await(group.getKey(), versionWaitNanos, stop);
            if (lookup.model() == null) {
                if (stop.getAsBoolean()) {
                    throw new Abandoned();
                }
                for (final int i : group.getValue()) {
                    out.set(i, List.of(deadLetter(batch.get(i), lookup.reason(),
                            lookup.unavailable(), parsed[i].id(), onCommit)));
                    dead++;
                }
                continue;
            }
            final ServedModel model = lookup.model();
            // The worker's batch span; with several versions in one batch the last one scored is named.
            Span.current().setAttribute(MODEL_NAME, model.ref().name());
            Span.current().setAttribute(MODEL_VERSION, (long) model.ref().version());
            try {
                final int scored = scoreGroup(model, group.getValue(), batch, parsed, live, out, onCommit);
                labeled += scored;
                dead += group.getValue().size() - scored;
            } finally {
                model.release();
            }
        }
        final String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = batch.get(i).key() != null ? batch.get(i).key() : parsed[i] == null ? null : parsed[i].id();
        }
        final ProducerRecord<String, byte[]>[] shadowed = shadows.score(parsed, live, keys, onCommit, stop);
        final List<ProducerRecord<String, byte[]>> records = new ArrayList<>(n * 2);
        for (int i = 0; i < n; i++) {
            records.addAll(out.get(i));
            if (shadowed[i] != null) {
                records.add(shadowed[i]);
            }
        }
        return new Result(records, onCommit, labeled, dead);
    }

    /** Validates shapes, scores the valid rows with one engine call, and fills {@code out}; returns labeled count. */
    private int scoreGroup(final ServedModel model, final List<Integer> idx,
                           final List<ConsumerRecord<String, byte[]>> batch, final EncodedReview[] parsed,
                           final ShadowScorer.Live[] live, final List<List<ProducerRecord<String, byte[]>>> out,
                           final List<Runnable> onCommit) {
        final List<Integer> valid = new ArrayList<>(idx.size());
        for (final int i : idx) {
            final String problem = shapeProblem(parsed[i].ids(), model);
            if (problem == null) {
                valid.add(i);
            } else {
                out.set(i, List.of(deadLetter(batch.get(i), Reason.SCORING_ERROR, problem, parsed[i].id(), onCommit)));
            }
        }
        if (valid.isEmpty()) {
            return 0;
        }
        final int[][] rows = new int[valid.size()][];
        for (int k = 0; k < rows.length; k++) {
            rows[k] = parsed[valid.get(k)].ids();
        }
        float[] scores;
        final long start = System.nanoTime();
        try {
            scores = model.engine().score(rows);
            if (scores == null || scores.length != rows.length) {
                throw new IllegalStateException("engine returned " + (scores == null ? "null" : scores.length)
                        + " scores for " + rows.length + " rows");
            }
            metrics.scoring(model.ref().name(), model.engineName(), rows.length, System.nanoTime() - start);
        } catch (RuntimeException e) {
            // Isolate the row that breaks the engine instead of dead-lettering the whole group.
            LOG.warnf("engine %s failed on a batch of %d for %s (%s); scoring rows one by one", model.engineName(),
                    rows.length, model.ref(), e.toString());
            scores = new float[rows.length];
            for (int k = 0; k < rows.length; k++) {
                try {
                    scores[k] = model.engine().score(new int[][] {rows[k]})[0];
                } catch (RuntimeException rowError) {
                    scores[k] = Float.NaN;
                }
            }
        }
        int labeled = 0;
        final Instant labeledAt = Instant.now();
        for (int k = 0; k < rows.length; k++) {
            final int i = valid.get(k);
            final float s = scores[k];
            if (!(s >= 0f && s <= 1f)) {
                out.set(i, List.of(deadLetter(batch.get(i), Reason.SCORING_ERROR,
                        "engine " + model.engineName() + " of " + model.ref() + " produced no probability (" + s + ")",
                        parsed[i].id(), onCommit)));
                continue;
            }
            out.set(i, labeledRecords(batch.get(i), parsed[i], model, s, labeledAt, onCommit));
            live[i] = new ShadowScorer.Live(model.ref(), s, Label.of(s, model.threshold()));
            labeled++;
        }
        return labeled;
    }

    private List<ProducerRecord<String, byte[]>> labeledRecords(final ConsumerRecord<String, byte[]> r,
                                                               final EncodedReview e, final ServedModel model,
                                                               final float score, final Instant labeledAt,
                                                               final List<Runnable> onCommit) {
        final Label label = Label.of(score, model.threshold());
        final LabeledReview labeled = new LabeledReview(LabeledReview.SCHEMA, e.id(), e.text(), e.lang(), label, score,
                e.model(), e.modelVersion(), e.receivedAt(), labeledAt, e.routeOrLive());
        final String key = r.key() != null ? r.key() : e.id();
        final Topic<String, LabeledReview> perLabel =
                label == Label.POSITIVE ? Topics.LABELED_POSITIVE : Topics.LABELED_NEGATIVE;
        final byte[] value = Topics.LABELED.valueSerde().serializer().serialize(Topics.LABELED.name(), labeled);
        final StageTimes times = StageTimes.read(r.headers()).at(StageTimes.Point.LABELED, labeledAt);
        final Span span = recordSpan(r, e.id());
        span.setAttribute(MODEL_NAME, e.model());
        span.setAttribute(MODEL_VERSION, (long) e.modelVersion());
        onCommit.add(() -> {
            metrics.prediction(e.model(), e.modelVersion(), label, score);
            if (e.receivedAt() != null) {
                // The review's own span is current, so the latency histogram's exemplar links to its trace.
                try (Scope ignored = tracing.enabled() ? span.makeCurrent() : Scope.noop()) {
                    metrics.endToEnd(e.model(), Duration.between(e.receivedAt(), labeledAt));
                }
            }
            metrics.hops(e.model(), times);
            span.end();
        });
        final Headers headers = withTrace(times.toHeaders(), span);
        return List.of(new ProducerRecord<>(Topics.LABELED.name(), null, key, value, headers),
                new ProducerRecord<>(perLabel.name(), null, key, value, headers));
    }

    /**
     * The record's span in its review's trace, linked to the batch span; it ends when the batch commits (an aborted
     * batch's record spans are dropped unexported, and its retry makes new ones).
     */
    private Span recordSpan(final ConsumerRecord<String, byte[]> r, final String id) {
        final Span span = tracing.startInBatch(RECORD_SPAN, tracing.extract(r.headers()));
        if (id != null) {
            span.setAttribute(RecordTracing.REVIEW_ID, id);
        }
        return span;
    }

    /** {@code headers} (the stage times) with {@code span}'s context added while tracing is on. */
    private Headers withTrace(final Headers headers, final Span span) {
        if (tracing.enabled()) {
            tracing.inject(span, headers);
        }
        return headers;
    }

    private ProducerRecord<String, byte[]> deadLetter(final ConsumerRecord<String, byte[]> r, final Reason reason,
                                                      final String message, final String id,
                                                      final List<Runnable> onCommit) {
        final DeadLetter dl = DeadLetter.of(Stage.INFERENCE, reason, message, id, r.value(), r.topic(), r.partition(),
                r.offset());
        final Span span = recordSpan(r, id);
        RecordTracing.deadLettered(span, reason.name());
        onCommit.add(() -> {
            metrics.deadLetter(reason);
            span.end();
        });
        LOG.debugf("dead letter %s for %s-%d@%d: %s", reason, r.topic(), r.partition(), r.offset(), message);
        final String key = r.key() != null ? r.key() : id;
        return new ProducerRecord<>(Topics.DLQ.name(), null, key,
                Topics.DLQ.valueSerde().serializer().serialize(Topics.DLQ.name(), dl),
                withTrace(StageTimes.read(r.headers()).toHeaders(), span));
    }

    /** Null when the record can be scored, else what is missing. */
    static String invalid(final EncodedReview e) {
        if (e == null) {
            return "JSON null instead of an EncodedReview";
        }
        if (e.id() == null || e.id().isBlank()) {
            return "missing id";
        }
        if (e.model() == null || e.model().isBlank() || e.model().indexOf('@') >= 0) {
            return "missing or invalid model name";
        }
        if (e.modelVersion() < 1) {
            return "missing or invalid modelVersion " + e.modelVersion();
        }
        if (e.ids() == null) {
            return "missing ids";
        }
        return null;
    }

    /** Null when {@code ids} fits the model (row length and id range), else the mismatch. */
    static String shapeProblem(final int[] ids, final ServedModel model) {
        if (ids.length != model.maxlen()) {
            return "ids has " + ids.length + " entries, model " + model.ref() + " expects " + model.maxlen();
        }
        final int vocab = model.vocabSize();
        for (final int id : ids) {
            if (id < 0 || id >= vocab) {
                return "token id " + id + " outside [0, " + vocab + ") of model " + model.ref();
            }
        }
        return null;
    }

    private static String idOf(final ConsumerRecord<String, byte[]> r, final EncodedReview e) {
        if (e != null && e.id() != null) {
            return e.id();
        }
        return r.key();
    }

    private static String firstLine(final String s) {
        if (s == null) {
            return "";
        }
        final int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
