package io.sentimentstreams.preprocess.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Stage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Events of the preprocess stage in (a review encoded, a dead letter, a model loaded or refused), Micrometer
 * meters named {@code sentiment.preprocess.*} out; tags are language, model name and version, stage and
 * reason only, never review ids or text.
 */
public final class PreprocessMetrics {

    public static final String RECORDS = "sentiment.preprocess.records";
    public static final String LATENCY = "sentiment.preprocess.latency";
    public static final String TOKENS = "sentiment.preprocess.tokens";
    public static final String OOV_RATIO = "sentiment.preprocess.oov.ratio";
    public static final String DLQ = "sentiment.preprocess.dlq";
    public static final String REPEATS = "sentiment.preprocess.repeats";
    public static final String MODEL_VERSION = "sentiment.preprocess.model.version";
    public static final String MODELS_LOADED = "sentiment.preprocess.models.loaded";
    public static final String MODELS_REFUSED = "sentiment.preprocess.models.refused";
    public static final String MODELS_RETIRED = "sentiment.preprocess.models.retired";
    public static final String SHADOW_ERRORS = "sentiment.preprocess.shadow.errors";

    private static final double[] TOKEN_BUCKETS = {5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 20000};
    private static final double[] OOV_BUCKETS = {0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0};

    private final MeterRegistry registry;
    private final Map<String, Encoded> encoded = new ConcurrentHashMap<>();
    private final Map<Reason, Counter> dlq = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Counter repeats;

    public PreprocessMetrics(final MeterRegistry registry) {
        this.registry = registry;
        this.repeats = Counter.builder(REPEATS)
                .description("Repeats of an already encoded review (same id, same text) dropped by idempotency")
                .register(registry);
    }

    /** The meters of one (language, model version): looked up once, then reused on the hot path. */
    private record Encoded(Counter records, DistributionSummary tokens, DistributionSummary oovRatio) {
    }

    /** One review encoded by {@code model}: counts it and records its token count and OOV ratio. */
    public void encoded(final String lang, final ModelRef model, final int tokenCount, final int oovCount) {
        final Encoded m = encoded.computeIfAbsent(lang + '\u0000' + model, k -> meters(lang, model));
        m.records().increment();
        m.tokens().record(tokenCount);
        m.oovRatio().record(tokenCount == 0 ? 0.0 : (double) oovCount / tokenCount);
    }

    /** Time one record spent in the preprocess processor, tagged with its outcome ({@code encoded} or {@code dlq}). */
    public void latency(final String outcome, final long nanos) {
        latency.computeIfAbsent(outcome, o -> Timer.builder(LATENCY)
                .description("Time from reading a raw review to forwarding its encoded review or dead letter")
                .tag("outcome", o)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One repeat of an already encoded review (same id, same text) dropped by idempotency. */
    public void repeated() {
        repeats.increment();
    }

    /** One record sent to the dead-letter topic. */
    public void deadLettered(final Reason reason) {
        dlq.computeIfAbsent(reason, r -> Counter.builder(DLQ)
                .description("Records the preprocess stage sent to the dead-letter topic")
                .tag("stage", Stage.PREPROCESS.name())
                .tag("reason", r.name())
                .register(registry)).increment();
    }

    public void modelLoaded(final String lang, final ModelRef model) {
        Counter.builder(MODELS_LOADED)
                .description("Model bundles verified and made active")
                .tag("lang", lang)
                .tag("model", model.name())
                .tag("version", String.valueOf(model.version()))
                .register(registry).increment();
    }

    /** A review whose shadow encoding failed: it goes on with its live encoding and no shadow score. */
    public void shadowPipelineError(final String model) {
        Counter.builder(SHADOW_ERRORS)
                .description("Reviews the shadow model's text pipeline failed on (scored by the live model only)")
                .tag("model", model)
                .register(registry).increment();
    }

    /** A version retired by a tombstone on the models topic. */
    public void modelRetired(final String model) {
        Counter.builder(MODELS_RETIRED)
                .description("Model versions retired by a tombstone on the models topic")
                .tag("model", model)
                .register(registry).increment();
    }

    /** A refused bundle; {@code model} is the name from the record key, {@code unknown} when the key is unusable. */
    public void modelRefused(final String model, final String reason) {
        Counter.builder(MODELS_REFUSED)
                .description("Model bundles refused (the previous model kept serving)")
                .tag("model", model)
                .tag("reason", reason)
                .register(registry).increment();
    }

    /** The version of the model active for {@code lang}, read from {@code source} (0 while none is loaded). */
    public <T> void activeVersionGauge(final String lang, final T source, final ToDoubleFunction<T> version) {
        Gauge.builder(MODEL_VERSION, source, version)
                .description("Version of the model whose vocabulary encodes this language (0: none)")
                .tag("lang", lang)
                .strongReference(true)
                .register(registry);
    }

    private Encoded meters(final String lang, final ModelRef model) {
        final String version = String.valueOf(model.version());
        return new Encoded(
                Counter.builder(RECORDS)
                        .description("Reviews encoded, by language and model version")
                        .tags("lang", lang, "model", model.name(), "version", version)
                        .register(registry),
                DistributionSummary.builder(TOKENS)
                        .description("Tokens per review before padding/truncation")
                        .baseUnit("tokens")
                        .tags("lang", lang, "model", model.name(), "version", version)
                        .serviceLevelObjectives(TOKEN_BUCKETS)
                        .register(registry),
                DistributionSummary.builder(OOV_RATIO)
                        .description("Share of a review's tokens outside the model's vocabulary (drift signal)")
                        .tags("lang", lang, "model", model.name(), "version", version)
                        .serviceLevelObjectives(OOV_BUCKETS)
                        .register(registry));
    }
}
