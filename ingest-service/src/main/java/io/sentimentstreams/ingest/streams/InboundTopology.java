package io.sentimentstreams.ingest.streams;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.ingest.config.IngestConfig;
import io.sentimentstreams.ingest.metrics.IngestMetrics;
import io.sentimentstreams.ingest.validation.ReviewValidator;
import io.sentimentstreams.kafka.NativeLz4;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.tracing.RecordTracing;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.jboss.logging.Logger;

/**
 * The reviews.inbound topology: raw producer bytes in, validated {@link Review}s to reviews.raw (keyed
 * by review id) and {@link DeadLetter}s to reviews.dlq out, exactly once (the application runs with
 * {@code processing.guarantee=exactly_once_v2}).
 */
@ApplicationScoped
public class InboundTopology {

    private static final Logger LOG = Logger.getLogger(InboundTopology.class);

    static final String PROCESSOR = "validate-inbound";

    private final IngestConfig config;
    private final IngestMetrics metrics;
    private final RecordTracing tracing;

    public InboundTopology(final IngestConfig config, final IngestMetrics metrics, final RecordTracing tracing) {
        this.config = config;
        this.metrics = metrics;
        this.tracing = tracing;
    }

    @Produces
    public Topology buildTopology() {
        // Before the stream and the HTTP producers start: both compress reviews.raw with lz4 (see NativeLz4).
        LOG.infof("Kafka LZ4 codec: %s", NativeLz4.enable());
        return build(new ReviewValidator(config.limits()), metrics, tracing);
    }

    static Topology build(final ReviewValidator validator, final IngestMetrics metrics) {
        return build(validator, metrics, RecordTracing.OFF);
    }

    static Topology build(final ReviewValidator validator, final IngestMetrics metrics, final RecordTracing tracing) {
        final StreamsBuilder builder = new StreamsBuilder();
        final KStream<String, InboundOutcome> outcomes = builder
                .stream(Topics.INBOUND.name(), Consumed.with(Topics.INBOUND.keySerde(), Topics.INBOUND.valueSerde()))
                .process(() -> new InboundProcessor(validator, metrics, tracing));
        outcomes.split()
                .branch((id, outcome) -> outcome.isAccepted(), Branched.withConsumer(InboundTopology::toRaw))
                .defaultBranch(Branched.withConsumer(InboundTopology::toDeadLetters));
        return builder.build();
    }

    private static void toRaw(final KStream<String, InboundOutcome> accepted) {
        accepted.mapValues(InboundOutcome::review)
                .to(Topics.RAW.name(), Produced.with(Topics.RAW.keySerde(), Topics.RAW.valueSerde()));
    }

    private static void toDeadLetters(final KStream<String, InboundOutcome> rejected) {
        rejected.mapValues(InboundOutcome::deadLetter)
                .to(Topics.DLQ.name(), Produced.with(Topics.DLQ.keySerde(), Topics.DLQ.valueSerde()));
    }
}
