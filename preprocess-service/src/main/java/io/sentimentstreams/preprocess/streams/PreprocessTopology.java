package io.sentimentstreams.preprocess.streams;

import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import io.sentimentstreams.preprocess.model.ModelRegistry;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.tracing.RecordTracing;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The preprocess topology: {@code reviews.raw} (read as bytes) in; {@code reviews.encoded} and
 * {@code reviews.dlq} out, every edge with explicit serdes from the {@link Topics} catalogue.
 *
 * <p>Raw values are read as bytes and parsed in {@link PreprocessProcessor} rather than by a JSON serde with a
 * deserialization exception handler: in Kafka 4.1 the handlers can only continue (drop) or fail, not emit a
 * record, so a handler could not write the dead letter inside the exactly-once transaction.
 *
 * <p>Headers: the DSL's sinks write whatever headers the processor forwarded, and a {@code Record} forwarded with
 * {@code withKey}/{@code withValue} keeps its input headers; {@link PreprocessProcessor} therefore replaces them
 * with {@code StageTimes} (the raw record's times plus the encoded time), so the outputs carry those and nothing else.
 */
public final class PreprocessTopology {

    public static final String DEDUP_STORE = "preprocess-review-ids";

    private PreprocessTopology() {
    }

    /** Without tracing: what the topology tests run. */
    public static Topology build(final ModelRegistry models, final PreprocessMetrics metrics,
                                 final TopologySettings settings) {
        return build(models, metrics, settings, RecordTracing.OFF);
    }

    /** With {@code tracing}: each record's span continues its raw record's trace, and its output carries the span. */
    public static Topology build(final ModelRegistry models, final PreprocessMetrics metrics,
                                 final TopologySettings settings, final RecordTracing tracing) {
        final StreamsBuilder builder = new StreamsBuilder();
        if (settings.dedupEnabled()) {
            builder.addStateStore(Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(DEDUP_STORE, settings.dedupWindow(), settings.dedupWindow(), false),
                    Serdes.String(), Serdes.Long()));
        }
        final String[] stores = settings.dedupEnabled() ? new String[] {DEDUP_STORE} : new String[0];
        final KStream<String, Outcome> outcomes = builder
                .stream(Topics.RAW.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-bytes"))
                .process(() -> new PreprocessProcessor(models, metrics, settings, tracing), Named.as("preprocess"), stores);
        // Repeats forward nothing (PreprocessProcessor), so every outcome here is an encoded review or a dead letter.
        outcomes.split(Named.as("outcome-"))
                .branch((id, outcome) -> outcome.isEncoded(), Branched.withConsumer(PreprocessTopology::toEncoded, "encoded"))
                .defaultBranch(Branched.withConsumer(PreprocessTopology::toDeadLetters, "dlq"));
        return builder.build();
    }

    private static void toEncoded(final KStream<String, Outcome> encoded) {
        encoded.mapValues(Outcome::encoded, Named.as("encoded-value"))
                .to(Topics.ENCODED.name(), Produced.<String, EncodedReview>with(Topics.ENCODED.keySerde(),
                        Topics.ENCODED.valueSerde()).withName("to-encoded"));
    }

    private static void toDeadLetters(final KStream<String, Outcome> dead) {
        dead.mapValues(Outcome::deadLetter, Named.as("dead-letter-value"))
                .to(Topics.DLQ.name(), Produced.<String, DeadLetter>with(Topics.DLQ.keySerde(), Topics.DLQ.valueSerde())
                        .withName("to-dlq"));
    }
}
