package io.sentimentstreams.ingest.results;

import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Folds each update into the stored result of its id ({@link ReviewResult#merge}); one entry per id, kept at the
 * window of its first record, so an id is forgotten one retention after it was first seen. Forwards nothing.
 */
final class ResultsProcessor implements Processor<String, ReviewResult, Void, Void> {

    private final long retentionMillis;
    private final Consumer<ReviewResult> onChange;
    private WindowStore<String, ReviewResult> store;

    ResultsProcessor(final Duration retention, final Consumer<ReviewResult> onChange) {
        this.retentionMillis = retention.toMillis();
        this.onChange = onChange;
    }

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        store = context.getStateStore(ResultsTopology.STORE);
    }

    @Override
    public void process(final Record<String, ReviewResult> record) {
        final String id = record.key();
        final long timestamp = record.timestamp();
        final KeyValue<Long, ReviewResult> stored = latest(id, timestamp);
        if (stored == null) {
            store.put(id, record.value(), timestamp);
            onChange.accept(record.value());
            return;
        }
        final ReviewResult merged = stored.value.merge(record.value());
        if (!merged.equals(stored.value)) {
            store.put(id, merged, stored.key);
            onChange.accept(merged);
        }
    }

    /**
     * The stored result of {@code id} and its window start, or null; searched around the record's time, not only
     * before it, because the producers' clocks (ingest, inference) can disagree by a little.
     */
    private KeyValue<Long, ReviewResult> latest(final String id, final long timestamp) {
        final long from = Math.max(0, timestamp - retentionMillis);
        try (KeyValueIterator<Windowed<String>, ReviewResult> hits =
                     store.backwardFetch(id, id, from, timestamp + retentionMillis)) {
            if (!hits.hasNext()) {
                return null;
            }
            final KeyValue<Windowed<String>, ReviewResult> hit = hits.next();
            return KeyValue.pair(hit.key.window().start(), hit.value);
        }
    }
}
