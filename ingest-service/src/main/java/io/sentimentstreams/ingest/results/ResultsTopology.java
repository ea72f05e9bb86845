package io.sentimentstreams.ingest.results;

import io.sentimentstreams.json.JsonSerde;
import io.sentimentstreams.topics.Topics;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The results topology: reviews.raw (PENDING), reviews.labeled (LABELED) and reviews.dlq (DEAD_LETTERED) in, one
 * {@link ReviewResult} per review id out, in the window store {@link #STORE} (retention = the results window). The
 * three topics are keyed by review id with the same partition count, so one task sees every record of an id.
 */
public final class ResultsTopology {

    public static final String STORE = "ingest-review-results";
    public static final JsonSerde<ReviewResult> RESULT_SERDE = new JsonSerde<>(ReviewResult.class);

    private ResultsTopology() {
    }

    /** @param onChange told of every result the store takes, on the stream thread (keep it short) */
    public static Topology build(final Duration retention, final Consumer<ReviewResult> onChange) {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(STORE, retention, retention, false), Serdes.String(), RESULT_SERDE));
        final KStream<String, ReviewResult> pending = builder
                .stream(Topics.RAW.name(), Consumed.with(Topics.RAW.keySerde(), Topics.RAW.valueSerde())
                        .withName("raw"))
                .filter((id, review) -> id != null && review != null, Named.as("raw-with-id"))
                .mapValues(ReviewResult::pending, Named.as("pending"));
        final KStream<String, ReviewResult> labeled = builder
                .stream(Topics.LABELED.name(), Consumed.with(Topics.LABELED.keySerde(), Topics.LABELED.valueSerde())
                        .withName("labeled"))
                .filter((id, review) -> id != null && review != null, Named.as("labeled-with-id"))
                .mapValues(ReviewResult::labeled, Named.as("labeled-result"));
        // A letter from reviews.inbound that never had a valid id is keyed null: nobody can ask for it.
        final KStream<String, ReviewResult> dead = builder
                .stream(Topics.DLQ.name(), Consumed.with(Topics.DLQ.keySerde(), Topics.DLQ.valueSerde())
                        .withName("dlq"))
                .filter((id, letter) -> id != null && letter != null, Named.as("dlq-with-id"))
                .mapValues(ReviewResult::deadLettered, Named.as("dead-lettered"));
        pending.merge(labeled, Named.as("merge-labeled")).merge(dead, Named.as("merge-dlq"))
                .process(() -> new ResultsProcessor(retention, onChange), Named.as("store-result"), STORE);
        return builder.build();
    }
}
