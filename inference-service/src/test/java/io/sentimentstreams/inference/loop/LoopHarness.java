package io.sentimentstreams.inference.loop;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A broker stand-in for one {@link InferenceWorker} run on the test thread: a partitioned
 * {@code reviews.encoded} log in, and out the transactions its producers ended (committed, aborted, or
 * left open when the producer was closed), the group's committed offsets, the clients it created and
 * the back-offs it slept.
 */
final class LoopHarness {

    // Consumers are MockConsumers that re-deliver the log from their position on each poll (so a seek
    // really rewinds) and advance the clock by the poll timeout when they return nothing; producers are
    // MockProducers whose committed offsets become the group's. The worker is stopped at the first poll
    // where the stop condition holds (by default: the whole log committed) and no scripted step is
    // pending, or after MAX_POLLS polls, and then converged() is false.
    static final String TOPIC = Topics.ENCODED.name();
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    static final int MAX_POLLS = 200;

    /** How a transaction ended. ABANDONED: the producer was closed with it open, so the broker aborts it. */
    enum Outcome { COMMITTED, ABORTED, ABANDONED }

    /** One transaction of producer number {@code producer}: what it held and how it ended. */
    record Txn(int producer, Outcome outcome, List<ProducerRecord<String, byte[]>> records,
               Map<TopicPartition, OffsetAndMetadata> offsets) {

        /** The input keys whose outputs this transaction held, in send order without repeats. */
        List<String> keys() {
            return records.stream().map(ProducerRecord::key).distinct().toList();
        }
    }

    /** Time that moves only when the worker polls without result or sleeps. */
    final class TestClock implements InferenceWorker.Clock {
        private long now = 1_000_000_000L;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(final Duration d) {
            sleeps.add(d);
            now += d.toNanos();
        }
    }

    final InferenceWorker.Settings settings;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final InferenceMetrics metrics = new InferenceMetrics(meters);
    final TestClock clock = new TestClock();
    final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> log = new LinkedHashMap<>();
    /** The group's committed offsets, as the coordinator holds them. */
    final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    final List<LogConsumer> consumers = new ArrayList<>();
    final List<TxProducer> producers = new ArrayList<>();
    final List<Txn> txns = new ArrayList<>();
    final List<Duration> sleeps = new ArrayList<>();
    /** Partitions a new consumer is given at its first poll. */
    final List<TopicPartition> initialAssignment = new ArrayList<>(List.of(P0, P1));
    private final Map<Integer, List<Consumer<LogConsumer>>> steps = new TreeMap<>();
    /** Runs inside commitTransaction before the mock commits: may fence the producer or make it fail. */
    private Consumer<TxProducer> beforeCommit = p -> { };
    private BooleanSupplier stopWhen = this::allCommitted;
    private InferenceWorker worker;
    private int polls;
    private boolean converged;

    LoopHarness(final int maxBatch, final Duration maxWait) {
        this.settings = new InferenceWorker.Settings("inference-test", "inference-test-0", maxBatch, maxWait,
                Duration.ofMillis(100), Duration.ofSeconds(10));
        log.put(P0, new ArrayList<>());
        log.put(P1, new ArrayList<>());
    }

    /** Appends a record to a partition of the log; returns its offset. */
    long append(final TopicPartition tp, final String key, final byte[] value) {
        final List<ConsumerRecord<String, byte[]>> records = log.get(tp);
        final long offset = records.size();
        records.add(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, key, value));
        return offset;
    }

    /** Runs {@code step} at the start of the {@code poll}-th poll (1-based, counted over all consumers). */
    LoopHarness atPoll(final int poll, final Consumer<LogConsumer> step) {
        steps.computeIfAbsent(poll, k -> new ArrayList<>()).add(step);
        return this;
    }

    LoopHarness beforeCommit(final Consumer<TxProducer> hook) {
        this.beforeCommit = hook;
        return this;
    }

    LoopHarness stopWhen(final BooleanSupplier condition) {
        this.stopWhen = condition;
        return this;
    }

    /** A worker wired to this harness; {@link InferenceWorker#run()} it on the calling thread. */
    InferenceWorker worker(final InferenceWorker.Scorer scorer) {
        worker = new InferenceWorker(settings, new InferenceWorker.Clients(this::newConsumer, this::newProducer),
                scorer, () -> true, metrics, clock);
        return worker;
    }

    boolean converged() {
        return converged;
    }

    int polls() {
        return polls;
    }

    List<Txn> txns(final Outcome outcome) {
        return txns.stream().filter(t -> t.outcome() == outcome).toList();
    }

    /** Every record of the committed transactions, in commit order. */
    List<ProducerRecord<String, byte[]>> committedRecords() {
        return txns(Outcome.COMMITTED).stream().flatMap(t -> t.records().stream()).toList();
    }

    /** Committed records per input key: the topics its outputs went to, in send order. */
    Map<String, List<String>> committedTopicsByKey() {
        final Map<String, List<String>> topics = new LinkedHashMap<>();
        for (final ProducerRecord<String, byte[]> r : committedRecords()) {
            topics.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.topic());
        }
        return topics;
    }

    /** All input keys of the log, partition by partition in offset order. */
    List<String> logKeys(final TopicPartition tp) {
        return log.get(tp).stream().map(ConsumerRecord::key).toList();
    }

    /** The group's committed offset per partition, as plain numbers. */
    Map<TopicPartition, Long> committedOffsets() {
        final Map<TopicPartition, Long> out = new HashMap<>();
        committed.forEach((tp, om) -> out.put(tp, om.offset()));
        return out;
    }

    double transactions(final String outcome) {
        final Counter c = meters.find(InferenceMetrics.PREFIX + "transactions").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    boolean allCommitted() {
        for (final Map.Entry<TopicPartition, List<ConsumerRecord<String, byte[]>>> e : log.entrySet()) {
            final OffsetAndMetadata om = committed.get(e.getKey());
            if (!e.getValue().isEmpty() && (om == null || om.offset() < e.getValue().size())) {
                return false;
            }
        }
        return true;
    }

    private LogConsumer newConsumer() {
        final LogConsumer c = new LogConsumer();
        consumers.add(c);
        return c;
    }

    private TxProducer newProducer() {
        final TxProducer p = new TxProducer(producers.size());
        producers.add(p);
        return p;
    }

    private void commit(final Map<TopicPartition, OffsetAndMetadata> offsets) {
        committed.putAll(offsets);
        for (final LogConsumer c : consumers) {
            if (!c.closed()) {
                c.commitSync(offsets);
            }
        }
    }

    /**
     * Reads {@code reviews.encoded} from the harness log. Each poll hands the mock exactly the records it
     * returns (from each assigned partition's position, at most {@code max.poll.records} in all), since
     * the mock keeps records it did not return and would return them after a seek back.
     */
    final class LogConsumer extends MockConsumer<String, byte[]> {

        private boolean assigned;

        LogConsumer() {
            super("earliest");
            final Map<TopicPartition, Long> beginning = new HashMap<>();
            log.keySet().forEach(tp -> beginning.put(tp, 0L));
            updateBeginningOffsets(beginning);
        }

        @Override
        public synchronized ConsumerRecords<String, byte[]> poll(final Duration timeout) {
            polls++;
            for (final Consumer<LogConsumer> step : steps.getOrDefault(polls, List.of())) {
                step.accept(this);
            }
            if (!assigned && !subscription().isEmpty()) {
                assigned = true;
                // The group's committed offsets are where a new member starts (subscribe() cleared the mock's).
                commitSync(new HashMap<>(committed));
                rebalance(initialAssignment);
            }
            final boolean pending = steps.keySet().stream().anyMatch(p -> p > polls);
            if (!pending && stopWhen.getAsBoolean()) {
                converged = true;
                // The wakeup makes this poll throw, as stop() does to a real consumer blocked in poll.
                worker.stop();
            } else if (polls >= MAX_POLLS) {
                worker.stop();
            } else {
                int room = settings.maxBatch();
                for (final TopicPartition tp : log.keySet()) {
                    if (!assignment().contains(tp)) {
                        continue;
                    }
                    final List<ConsumerRecord<String, byte[]>> records = log.get(tp);
                    for (long o = position(tp); o < records.size() && room > 0; o++, room--) {
                        addRecord(records.get((int) o));
                    }
                }
            }
            final ConsumerRecords<String, byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                clock.now += timeout.toNanos();
            }
            return records;
        }
    }

    /** A transactional producer whose every ended transaction is recorded by the harness. */
    final class TxProducer extends MockProducer<String, byte[]> {

        final int index;
        /** Set when a failing commit did reach the coordinator, which completes it. */
        boolean commitLandsDespiteFailure;
        private boolean landed;

        TxProducer(final int index) {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
            this.index = index;
        }

        @Override
        public void commitTransaction() {
            final List<ProducerRecord<String, byte[]>> records = List.copyOf(uncommittedRecords());
            final Map<TopicPartition, OffsetAndMetadata> offsets = pendingOffsets();
            beforeCommit.accept(this);
            try {
                super.commitTransaction();
            } catch (RuntimeException e) {
                if (commitLandsDespiteFailure) {
                    // The coordinator had the commit: its outputs and offsets are committed whatever the
                    // client saw (a read_committed consumer's committed() waits until they are stable).
                    txns.add(new Txn(index, Outcome.COMMITTED, records, offsets));
                    commit(offsets);
                    commitLandsDespiteFailure = false;
                    landed = true;
                }
                throw e;
            }
            txns.add(new Txn(index, Outcome.COMMITTED, records, offsets));
            commit(offsets);
        }

        @Override
        public void abortTransaction() {
            final List<ProducerRecord<String, byte[]>> records = List.copyOf(uncommittedRecords());
            final Map<TopicPartition, OffsetAndMetadata> offsets = pendingOffsets();
            super.abortTransaction();
            txns.add(new Txn(index, Outcome.ABORTED, records, offsets));
        }

        @Override
        public void close() {
            close(Duration.ZERO);
        }

        @Override
        public void close(final Duration timeout) {
            if (transactionInFlight() && !landed) {
                txns.add(new Txn(index, Outcome.ABANDONED, List.copyOf(uncommittedRecords()), pendingOffsets()));
            }
            super.close(timeout);
        }

        private Map<TopicPartition, OffsetAndMetadata> pendingOffsets() {
            final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            uncommittedOffsets().values().forEach(offsets::putAll);
            return offsets;
        }
    }
}
