package io.sentimentstreams.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.kafka.StageTimes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * The ingest meters (names {@code sentiment.ingest.*}, tags channel/outcome/reason/status only):
 * reviews accepted and rejected, HTTP request latency, batch sizes and dead letters.
 */
@ApplicationScoped
public class IngestMetrics {

    /** The channel tag values: the same names the stage-time headers carry downstream. */
    public static final String CHANNEL_HTTP = StageTimes.Channel.HTTP.wireName();
    public static final String CHANNEL_INBOUND = StageTimes.Channel.INBOUND.wireName();
    public static final String REVIEWS = "sentiment.ingest.reviews";
    public static final String REQUESTS = "sentiment.ingest.http.requests";
    public static final String BATCH_SIZE = "sentiment.ingest.batch.size";
    public static final String DLQ = "sentiment.ingest.dlq";

    private final MeterRegistry registry;

    public IngestMetrics(final MeterRegistry registry) {
        this.registry = registry;
    }

    public void accepted(final String channel, final int count) {
        Counter.builder(REVIEWS).description("Reviews written to reviews.raw (accepted) or refused (rejected)")
                .tag("channel", channel).tag("outcome", "accepted").tag("reason", "none")
                .register(registry).increment(count);
    }

    public void rejected(final String channel, final String reason) {
        Counter.builder(REVIEWS).description("Reviews written to reviews.raw (accepted) or refused (rejected)")
                .tag("channel", channel).tag("outcome", "rejected").tag("reason", reason)
                .register(registry).increment();
    }

    public void batchSize(final String channel, final int items) {
        DistributionSummary.builder(BATCH_SIZE).description("Reviews per HTTP request")
                .tag("channel", channel).publishPercentileHistogram().minimumExpectedValue(1.0)
                .maximumExpectedValue(10_000.0).register(registry).record(items);
    }

    /** One HTTP request's latency, tagged with its status and problem code ("none" when accepted). */
    public void request(final int status, final String code, final long nanos) {
        Timer.builder(REQUESTS).description("POST /reviews latency by status and problem code")
                .tag("status", String.valueOf(status)).tag("code", code)
                .publishPercentileHistogram().register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void deadLetter(final Reason reason) {
        Counter.builder(DLQ).description("Records the ingest stage wrote to reviews.dlq")
                .tag("stage", "INGEST").tag("reason", reason.name()).register(registry).increment();
    }
}
