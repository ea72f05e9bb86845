package io.sentimentstreams.inference.loop;

import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.contracts.ShadowResult;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.inference.model.ModelRegistry;
import io.sentimentstreams.inference.model.ServedModel;
import io.sentimentstreams.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * The reviews of one batch that carry a shadow encoding and were labeled by the live model in, one
 * {@link ShadowResult} record each for {@code reviews.shadow} out, to be produced in the batch's transaction.
 * Each shadow encoding is scored by exactly the version stamped on it, after the same shape check as a live
 * row; a shadow that cannot be scored costs only its shadow record (counted by reason), never the live label.
 */
final class ShadowScorer {

    private static final Logger LOG = Logger.getLogger(ShadowScorer.class);

    /** The live outcome of row {@code i} of the batch: the version that labeled it, its score and label. */
    record Live(ModelRef ref, double score, Label label) {
    }

    private final ModelRegistry registry;
    private final long versionWaitNanos;
    private final InferenceMetrics metrics;

    ShadowScorer(final ModelRegistry registry, final long versionWaitNanos, final InferenceMetrics metrics) {
        this.registry = registry;
        this.versionWaitNanos = versionWaitNanos;
        this.metrics = metrics;
    }

    /**
     * Scores the shadow encodings of the rows labeled live ({@code live[i] != null}) and returns, per row, the
     * shadow record to produce (null for none).
     */
    @SuppressWarnings("unchecked")
    ProducerRecord<String, byte[]>[] score(final EncodedReview[] parsed, final Live[] live, final String[] keys,
                                           final List<Runnable> onCommit, final BooleanSupplier stop)
            throws InterruptedException {
        final ProducerRecord<String, byte[]>[] out = new ProducerRecord[parsed.length];
        final Map<ModelRef, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < parsed.length; i++) {
            final EncodedReview e = parsed[i];
            if (live[i] != null && e.shadow() != null && e.shadow().ids() != null && e.shadow().model() != null
                    && e.shadow().modelVersion() >= 1) {
                groups.computeIfAbsent(new ModelRef(e.shadow().model(), e.shadow().modelVersion()),
                        k -> new ArrayList<>()).add(i);
            }
        }
        for (final Map.Entry<ModelRef, List<Integer>> group : groups.entrySet()) {
            final ModelRegistry.Lookup lookup = registry.await(group.getKey(), versionWaitNanos, stop);
            if (lookup.model() == null) {
                final String reason = lookup.reason() == null ? "UNAVAILABLE" : lookup.reason().name();
                onCommit.add(() -> group.getValue().forEach(i -> metrics.shadowSkipped(reason)));
                LOG.debugf("shadow %s not scored for %d reviews: %s", group.getKey(), group.getValue().size(),
                        lookup.unavailable());
                continue;
            }
            try {
                scoreGroup(lookup.model(), group.getValue(), parsed, live, keys, out, onCommit);
            } finally {
                lookup.model().release();
            }
        }
        return out;
    }

    private void scoreGroup(final ServedModel model, final List<Integer> idx, final EncodedReview[] parsed,
                            final Live[] live, final String[] keys, final ProducerRecord<String, byte[]>[] out,
                            final List<Runnable> onCommit) {
        final List<Integer> valid = new ArrayList<>(idx.size());
        for (final int i : idx) {
            if (BatchScorer.shapeProblem(parsed[i].shadow().ids(), model) == null) {
                valid.add(i);
            } else {
                onCommit.add(() -> metrics.shadowSkipped("SHAPE"));
            }
        }
        if (valid.isEmpty()) {
            return;
        }
        final int[][] rows = new int[valid.size()][];
        for (int k = 0; k < rows.length; k++) {
            rows[k] = parsed[valid.get(k)].shadow().ids();
        }
        float[] scores;
        try {
            scores = model.engine().score(rows);
        } catch (RuntimeException e) {
            LOG.warnf("shadow engine %s of %s failed on %d rows: %s", model.engineName(), model.ref(), rows.length,
                    e.toString());
            scores = null;
        }
        final Instant now = Instant.now();
        for (int k = 0; k < rows.length; k++) {
            final float s = scores == null || scores.length != rows.length ? Float.NaN : scores[k];
            if (!(s >= 0f && s <= 1f)) {
                onCommit.add(() -> metrics.shadowSkipped("SCORING_ERROR"));
                continue;
            }
            final int i = valid.get(k);
            final EncodedReview e = parsed[i];
            final Live l = live[i];
            final Label label = Label.of(s, model.threshold());
            final boolean agree = label == l.label();
            final ShadowResult result = new ShadowResult(ShadowResult.SCHEMA, e.id(), e.lang(), l.ref().name(),
                    l.ref().version(), l.score(), l.label(), model.ref().name(), model.ref().version(), s, label, agree,
                    now);
            out[i] = new ProducerRecord<>(Topics.SHADOW.name(), keys[i],
                    Topics.SHADOW.valueSerde().serializer().serialize(Topics.SHADOW.name(), result));
            final String lang = e.lang() == null ? "unknown" : e.lang().wireName();
            final ModelRef shadowRef = model.ref();
            onCommit.add(() -> metrics.shadow(lang, l.ref(), shadowRef, l.score(), s, agree));
        }
    }
}
