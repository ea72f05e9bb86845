package io.sentimentstreams.inference.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.kafka.StageTimes;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The {@code sentiment.inference.*} meters: batch size and latency, per-review scoring time, predictions
 * and score distribution per model version, end-to-end latency and its hops between stages, DLQ records,
 * transactions and model loads; tags are model, version, label, reason, engine, outcome, hop and channel only
 * (never ids or text).
 */
@ApplicationScoped
public class InferenceMetrics {

    public static final String PREFIX = "sentiment.inference.";
    /** Score histogram buckets: tenths of P(positive), so drift in the score mix shows per bucket. */
    /** Channel tag of a review whose records carry no channel header (a replayed dead letter, a hand-made record). */
    public static final String UNKNOWN_CHANNEL = "unknown";
    /** Bucket range of the end-to-end histogram, shared by the hop histograms. */
    private static final Duration E2E_MIN = Duration.ofMillis(1);
    private static final Duration E2E_MAX = Duration.ofMinutes(5);
    private static final double[] SCORE_BUCKETS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

    private final MeterRegistry registry;
    private final DistributionSummary batchSize;
    private final Timer batchLatency;
    private final Map<String, Timer> scoringTime = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> scores = new ConcurrentHashMap<>();
    private final Map<String, Timer> endToEnd = new ConcurrentHashMap<>();
    private final Map<String, Timer> hopTimers = new ConcurrentHashMap<>();

    public InferenceMetrics(final MeterRegistry registry) {
        this.registry = registry;
        this.batchSize = DistributionSummary.builder(PREFIX + "batch.size")
                .description("Records per consumed micro-batch")
                .baseUnit("records")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(4096.0)
                .register(registry);
        this.batchLatency = Timer.builder(PREFIX + "batch.latency")
                .description("From the end of a batch's poll to its committed transaction")
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void batch(final int records, final long nanos) {
        batchSize.record(records);
        batchLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One engine call over {@code rows} reviews: recorded as that many per-review samples of the mean. */
    public void scoring(final String model, final String engine, final int rows, final long nanos) {
        if (rows <= 0) {
            return;
        }
        final Timer timer = scoringTime.computeIfAbsent(model + '\u0000' + engine,
                k -> Timer.builder(PREFIX + "review.scoring.time")
                        .description("Engine time per review (batch call time divided by its rows)")
                        .tag("model", model)
                        .tag("engine", engine)
                        .publishPercentiles(0.5, 0.99)
                        .register(registry));
        final long each = nanos / rows;
        for (int i = 0; i < rows; i++) {
            timer.record(each, TimeUnit.NANOSECONDS);
        }
    }

    public void prediction(final String model, final int version, final Label label, final double score) {
        final String v = Integer.toString(version);
        counter("predictions", "Labeled reviews by model version and label",
                "model", model, "version", v, "label", label.name()).increment();
        scores.computeIfAbsent(model + '\u0000' + v,
                k -> DistributionSummary.builder(PREFIX + "score")
                        .description("P(positive) per labeled review; bucket shares show drift")
                        .tag("model", model)
                        .tag("version", v)
                        .serviceLevelObjectives(SCORE_BUCKETS)
                        .register(registry))
                .record(score);
    }

    /** Meter names the brief of shadow rollouts fixes across services: not under {@link #PREFIX}. */
    public static final String SHADOW_AGREEMENT = "sentiment.shadow.agreement";
    public static final String SHADOW_SCORE = "sentiment.shadow.score";

    /**
     * One review scored by the live model and the shadow: agreement recorded as 1 or 0 (so {@code _sum / _count}
     * is the agreement rate), and both scores in the same buckets, tagged by role.
     */
    public void shadow(final String lang, final ModelRef live, final ModelRef shadow, final double liveScore,
                       final double shadowScore, final boolean agree) {
        final String pair = live + "\u0000" + shadow;
        scores.computeIfAbsent("agreement\u0000" + pair,
                k -> DistributionSummary.builder(SHADOW_AGREEMENT)
                        .description("1 when the shadow's label equals the live label, else 0; mean = agreement rate")
                        .tag("lang", lang)
                        .tag("live", live.toString())
                        .tag("shadow", shadow.toString())
                        .register(registry))
                .record(agree ? 1.0 : 0.0);
        shadowScore("live", lang, live).record(liveScore);
        shadowScore("shadow", lang, shadow).record(shadowScore);
    }

    private DistributionSummary shadowScore(final String role, final String lang, final ModelRef model) {
        return scores.computeIfAbsent("shadow-score\u0000" + role + '\u0000' + model,
                k -> DistributionSummary.builder(SHADOW_SCORE)
                        .description("P(positive) of reviews scored in shadow mode, by role (live or shadow)")
                        .tag("role", role)
                        .tag("lang", lang)
                        .tag("model", model.toString())
                        .serviceLevelObjectives(SCORE_BUCKETS)
                        .register(registry));
    }

    /** A shadow encoding not scored (its version unavailable, or a shape the version does not take), by reason. */
    public void shadowSkipped(final String reason) {
        counter("shadow.skipped", "Reviews whose shadow score was not produced (the live label was), by reason",
                "reason", reason).increment();
    }

    public void endToEnd(final String model, final Duration latency) {
        if (latency.isNegative()) {
            return;
        }
        endToEnd.computeIfAbsent(model,
                k -> Timer.builder(PREFIX + "e2e.latency")
                        .description("receivedAt (ingest) to labeledAt (inference)")
                        .tag("model", model)
                        .publishPercentiles(0.5, 0.95, 0.99)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(E2E_MIN)
                        .maximumExpectedValue(E2E_MAX)
                        .register(registry))
                .record(latency);
    }

    /**
     * One labeled review's hops, from the stage times it carried; a hop with an unknown end is not recorded.
     * A negative hop (the two stages' hosts disagree about the time) is recorded as zero, so every hop keeps one
     * sample per labeled review, and counted in {@code hop.negative}, which tells how far to trust the split.
     */
    public void hops(final String model, final StageTimes times) {
        final String channel = times.channel() == null ? UNKNOWN_CHANNEL : times.channel().wireName();
        for (final StageTimes.Hop hop : StageTimes.Hop.values()) {
            final Duration d = times.hop(hop);
            if (d == null) {
                continue;
            }
            if (d.isNegative()) {
                counter("hop.negative", "Hops measured below zero (clock skew between hosts), recorded as zero",
                        "hop", hop.tag()).increment();
            }
            hopTimers.computeIfAbsent(hop.tag() + '\u0000' + channel + '\u0000' + model,
                    k -> Timer.builder(PREFIX + "hop")
                            .description("Time between two stages of a labeled review, from its stage-time headers")
                            .tag("hop", hop.tag())
                            .tag("channel", channel)
                            .tag("model", model)
                            // the end-to-end histogram's buckets, so the hops stack against it
                            .publishPercentileHistogram()
                            .minimumExpectedValue(E2E_MIN)
                            .maximumExpectedValue(E2E_MAX)
                            .register(registry))
                    .record(d.isNegative() ? Duration.ZERO : d);
        }
    }

    public void deadLetter(final Reason reason) {
        counter("dlq", "Records sent to the dead-letter topic by inference, by reason",
                "reason", reason.name()).increment();
    }

    /** {@code committed}, {@code aborted} or {@code fenced}. */
    public void transaction(final String outcome) {
        counter("transactions", "Loop transactions by outcome", "outcome", outcome).increment();
    }

    public void modelLoaded(final String model, final String engine) {
        counter("models.loaded", "Model versions loaded into an engine", "model", model, "engine", engine)
                .increment();
    }

    public void modelRetired(final String model) {
        counter("models.retired", "Model versions retired by a tombstone on the models topic", "model", model)
                .increment();
    }

    public void modelRefused(final String model, final String reason) {
        counter("models.refused", "Model bundles refused (checksum, manifest, shape, engine error)",
                "model", model, "reason", reason).increment();
    }

    /**
     * The counter {@code PREFIX + name} with the given tag key/value pairs, built and registered on first use
     * and cached after, since these are bumped per record.
     */
    private Counter counter(final String name, final String description, final String... tags) {
        return counters.computeIfAbsent(name + '\u0000' + String.join("\u0000", tags),
                k -> Counter.builder(PREFIX + name).description(description).tags(tags).register(registry));
    }

    /** The load-time fast-vs-dl4j comparison per model: passed, failed, unsupported, unavailable, not_run. */
    public void canary(final String model, final String outcome) {
        counter("engine.canary", "Load-time canary outcomes (failed: the fast engine is refused and dl4j serves)",
                "model", model, "outcome", outcome).increment();
    }

    /** Registers the in-service version gauge of one model name (idempotent per name). */
    public <T> void modelVersionGauge(final String model, final T source, final ToDoubleFunction<T> version) {
        Gauge.builder(PREFIX + "model.version", source, version)
                .description("Newest loaded version per model name")
                .tag("model", model)
                .strongReference(true)
                .register(registry);
    }

    public <T> void gauge(final String name, final String description, final T source, final ToDoubleFunction<T> f) {
        Gauge.builder(PREFIX + name, source, f).description(description).strongReference(true).register(registry);
    }
}
