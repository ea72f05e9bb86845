package io.sentimentstreams.inference.loop;

import static io.sentimentstreams.inference.loop.LoopHarness.P0;
import static io.sentimentstreams.inference.loop.LoopHarness.P1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.inference.TestBundles;
import io.sentimentstreams.inference.loop.LoopHarness.Outcome;
import io.sentimentstreams.inference.loop.LoopHarness.Txn;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.inference.model.ModelRegistry;
import io.sentimentstreams.model.CanaryResult;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inference loop on MockConsumer/MockProducer ({@link LoopHarness}) through fencing, aborts, commit
 * timeouts, revocations, failing models and stops, asserting which transactions committed or aborted
 * with which records and offsets, and that every input is produced exactly once.
 */
class InferenceWorkerTest {

    private static final String MODEL = "loop-en";
    /** A token id the test engine cannot score (never produced by {@link #row}). */
    private static final int POISON = 13;
    private static final Instant RECEIVED = Instant.parse("2026-12-01T00:00:00Z");

    private static Path tmp;
    private static ModelRegistry registry;
    /** Set by a test to make the next engine call throw an Error (a broken native library, say). */
    private static volatile Error engineError;

    @BeforeAll
    static void models() throws Exception {
        tmp = Files.createTempDirectory("inference-loop-test");
        final ModelBundle bundle = TestBundles.write(tmp, MODEL, 1, 7);
        registry = new ModelRegistry(b -> new LoadedModel(b.manifest().ref(), new TestEngine(), "test",
                new CanaryResult(CanaryResult.Status.NOT_RUN, 0, Double.NaN, 1e-4, "test engine")), 2,
                tmp.resolve("cache"), new InferenceMetrics(new SimpleMeterRegistry()));
        registry.offer(bundle.manifest().ref().toString(), TestBundles.archive(bundle), bundle.digest());
        registry.markCaughtUp();
        assertThat(registry.loadedCount()).isEqualTo(1);
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    // ---- the scenarios ----

    @Test
    void everyRecordIsProducedOnceInTheTransactionThatCommitsItsOffset() throws Exception {
        final LoopHarness h = new LoopHarness(3, Duration.ZERO);
        fill(h, P0, "a", 4);
        fill(h, P1, "b", 3);
        h.worker(scorer(h)).run();

        assertThat(h.converged()).isTrue();
        assertThat(h.txns).isNotEmpty().allMatch(t -> t.outcome() == Outcome.COMMITTED && t.producer() == 0);
        assertThat(h.txns).allMatch(t -> t.keys().size() <= 3);
        assertExactlyOnce(h, List.of());
        assertThat(h.committedOffsets()).isEqualTo(Map.of(P0, 4L, P1, 3L));
        assertThat(h.transactions("committed")).isEqualTo(h.txns.size());
        assertThat(h.transactions("aborted") + h.transactions("fenced")).isZero();
        assertThat(h.consumers).hasSize(1).allMatch(c -> c.closed());
        assertThat(h.producers).hasSize(1).allMatch(p -> p.closed());
        assertThat(h.sleeps).isEmpty();
        // The real scorer ran: each labeled record carries the engine's score and the label it implies.
        for (final ProducerRecord<String, byte[]> r : h.committedRecords()) {
            final LabeledReview l = Topics.LABELED.valueSerde().deserializer().deserialize(r.topic(), r.value());
            final float expected = TestEngine.probability(row(index(r.key())));
            assertThat(l.score()).isEqualTo(expected);
            assertThat(l.label()).isEqualTo(Label.of(expected, 0.5));
            assertThat(r.topic()).isIn(Topics.LABELED.name(),
                    (l.label() == Label.POSITIVE ? Topics.LABELED_POSITIVE : Topics.LABELED_NEGATIVE).name());
        }
    }

    @Test
    void clientsAreTransactionalReadCommittedAndFetchAtMostOneBatch() {
        final InferenceWorker.Settings s = new InferenceWorker.Settings("g", "tx-3", 64, Duration.ofMillis(5),
                Duration.ofMillis(100), Duration.ofSeconds(30));
        final Map<String, Object> base = Map.of("bootstrap.servers", "broker:9092", "group.id", "from-quarkus");
        final Map<String, Object> c = InferenceWorker.consumerConfig(base, s);
        assertThat(c).containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "g")
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 64)
                .containsEntry("bootstrap.servers", "broker:9092");
        final Map<String, Object> p = InferenceWorker.producerConfig(base, s);
        assertThat(p).containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-3")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000)
                .doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG);
    }

    @Test
    void aFencedProducerIsReplacedAndItsBatchRedoneFromTheCommittedOffsets() throws Exception {
        // Another instance takes our transactional.id while the second batch is in hand.
        final LoopHarness h = runConverged(6, x -> x.beforeCommit(p -> {
            if (p.index == 0 && p.commitCount() == 1) {
                p.fenceProducer();
            }
        }));
        assertSecondBatchRedoneByANewProducer(h);
        assertThat(h.transactions("fenced")).isEqualTo(1);
        assertThat(h.sleeps).isEmpty();
    }

    @Test
    void aNewWorkerFencedAgainAndAgainStepsBackWithNothingCommittedAndStaysParkedUntilStopped() throws Exception {
        // Another live instance with the same transactional id re-initialises after every fencing.
        final LoopHarness h = new LoopHarness(3, Duration.ZERO);
        fill(h, P0, "a", 6);
        h.beforeCommit(LoopHarness.TxProducer::fenceProducer);
        final InferenceWorker worker = h.worker(scorer(h));
        final Thread t = new Thread(worker, "conflicted-worker");
        t.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(worker::conflicted);

        assertThat(t.isAlive()).as("parked, not ended: liveness stays up").isTrue();
        assertThat(worker.polling()).isFalse();
        assertThat(worker.finished()).isFalse();
        assertThat(h.transactions("fenced")).isEqualTo(FencingWatch.YOUNG_LIMIT);
        assertThat(h.txns).hasSize(FencingWatch.YOUNG_LIMIT).allMatch(x -> x.outcome() == Outcome.ABANDONED);
        assertThat(h.committedOffsets()).isEmpty();
        // The consumer is closed, so the group hands this worker's partitions to the other instance.
        assertThat(h.consumers).hasSize(1).allMatch(c -> c.closed());
        assertThat(h.producers).allMatch(p -> p.closed());

        worker.stop();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(worker.finished()).isTrue();
    }

    @Test
    void aWorkerRunningForMinutesRidesOutAFewFencingsAndCommitsEverythingOnce() throws Exception {
        final int fencings = FencingWatch.LIMIT - 1;
        final LoopHarness h = new LoopHarness(3, Duration.ZERO);
        fill(h, P0, "a", 6);
        h.atPoll(1, c -> h.clock.sleep(FencingWatch.WINDOW.multipliedBy(2)));
        h.beforeCommit(p -> {
            if (p.index < fencings && p.commitCount() == 0) {
                p.fenceProducer();
            }
        });
        final InferenceWorker worker = h.worker(scorer(h));
        worker.run();

        assertThat(h.converged()).isTrue();
        assertThat(worker.conflicted()).isFalse();
        assertThat(h.transactions("fenced")).isEqualTo(fencings);
        assertThat(h.producers).hasSize(fencings + 1);
        assertExactlyOnce(h, List.of());
    }

    @Test
    void anAbortedTransactionRewindsToTheCommittedOffsetsAndDropsWhatWasBuffered() throws Exception {
        final LoopHarness h = new LoopHarness(3, Duration.ofMillis(50));
        fill(h, P0, "a", 5);
        // Poll 1 returns a0..a2 (batch 1); poll 2 a3, a4; while the batch waits for more, a5..a8 arrive and
        // poll 3 returns a5..a7: batch 2 is a3..a5 and a6, a7 stay buffered when its commit fails.
        h.atPoll(3, c -> {
            for (int i = 5; i < 9; i++) {
                h.append(P0, "a" + i, encoded("a" + i, row(i)));
            }
        });
        final AtomicInteger commits = new AtomicInteger();
        h.beforeCommit(p -> p.commitTransactionException = commits.incrementAndGet() == 2
                ? new KafkaException("Cannot execute transactional method because we are in an error state",
                        new NotEnoughReplicasException("fewer in-sync replicas than required"))
                : null);
        h.worker(scorer(h)).run();

        assertThat(h.converged()).isTrue();
        assertTxns(h,
                txn(0, Outcome.COMMITTED, 0, 3),
                txn(0, Outcome.ABORTED, 3, 6),
                // Redone from the committed offset 3, not from the buffered a6.
                txn(0, Outcome.COMMITTED, 3, 6),
                txn(0, Outcome.COMMITTED, 6, 9));
        assertExactlyOnce(h, List.of());
        // An abortable error keeps both clients.
        assertThat(h.producers).hasSize(1);
        assertThat(h.consumers).hasSize(1);
        assertThat(h.transactions("aborted")).isEqualTo(1);
        assertThat(h.transactions("committed")).isEqualTo(3);
    }

    @Test
    void aRewindWithNothingCommittedYetStartsThePartitionFromTheBeginning() throws Exception {
        final LoopHarness h = new LoopHarness(4, Duration.ZERO);
        fill(h, P0, "a", 2);
        fill(h, P1, "b", 2);
        final AtomicInteger commits = new AtomicInteger();
        h.beforeCommit(p -> p.commitTransactionException = commits.incrementAndGet() == 1
                ? new KafkaException("transaction failed") : null);
        h.worker(scorer(h)).run();

        assertThat(h.converged()).isTrue();
        assertThat(h.txns).extracting(Txn::outcome).containsExactly(Outcome.ABORTED, Outcome.COMMITTED);
        assertThat(h.txns.get(1).keys()).containsExactlyInAnyOrderElementsOf(h.txns.get(0).keys());
        assertThat(h.txns.get(1).keys()).containsExactlyInAnyOrder("a0", "a1", "b0", "b1");
        assertExactlyOnce(h, List.of());
        assertThat(h.committedOffsets()).isEqualTo(Map.of(P0, 2L, P1, 2L));
    }

    @Test
    void aCommitThatTimesOutBeforeReachingTheCoordinatorIsRedoneByANewProducer() throws Exception {
        final LoopHarness h = runConverged(6, x -> x.beforeCommit(p -> timeOutSecondCommit(p, false)));
        // The client may not abort after a commit timeout, so the producer is closed with it open and the new
        // producer's initTransactions aborts it.
        assertSecondBatchRedoneByANewProducer(h);
        assertThat(h.transactions("aborted")).isEqualTo(1);
    }

    @Test
    void aCommitThatTimesOutAfterReachingTheCoordinatorIsNotRedone() throws Exception {
        final LoopHarness h = runConverged(6, x -> x.beforeCommit(p -> timeOutSecondCommit(p, true)));
        // The rewind reads the offsets the completed commit left, so a3..a5 are not scored again.
        assertTxns(h, txn(0, Outcome.COMMITTED, 0, 3), txn(0, Outcome.COMMITTED, 3, 6));
        assertExactlyOnce(h, List.of());
        assertThat(h.producers).hasSize(2);
        assertThat(h.producers.get(1).transactionInitialized()).isTrue();
        assertThat(h.producers.get(1).commitCount()).isZero();
    }

    @Test
    void partitionsRevokedWhileABatchFillsLeaveItAndAreReadAgainFromTheCommittedOffset() throws Exception {
        final LoopHarness h = new LoopHarness(4, Duration.ofMillis(50));
        h.append(P0, "a0", encoded("a0", row(0)));
        h.append(P1, "b0", encoded("b0", row(100)));
        h.append(P1, "b1", encoded("b1", row(101)));
        // Poll 1 buffers a0, b0, b1 (3 < 4) and the batch waits; during poll 2 the group takes P1 away and
        // a1 arrives. Later P1 comes back (as to a new owner) and is read from its committed offset.
        h.atPoll(2, c -> {
            h.append(P0, "a1", encoded("a1", row(1)));
            c.rebalance(List.of(P0));
        });
        h.atPoll(4, c -> c.rebalance(List.of(P0, P1)));
        h.worker(scorer(h)).run();

        assertThat(h.converged()).isTrue();
        assertTxns(h,
                // Nothing of P1 in the batch that filled across the revocation, neither records nor offsets.
                new Expected(0, Outcome.COMMITTED, List.of("a0", "a1"), Map.of(P0, 2L)),
                new Expected(0, Outcome.COMMITTED, List.of("b0", "b1"), Map.of(P1, 2L)));
        assertExactlyOnce(h, List.of());
        assertThat(h.consumers).hasSize(1);
        assertThat(h.producers).hasSize(1);
    }

    @Test
    void anEngineFailingMidBatchDeadLettersOnlyTheRowItCannotScore() throws Exception {
        final LoopHarness h = new LoopHarness(4, Duration.ZERO);
        h.append(P0, "a0", encoded("a0", row(0)));
        h.append(P0, "a1", encoded("a1", row(1)));
        final int[] poisoned = row(2);
        poisoned[TestBundles.MAXLEN - 3] = POISON;
        h.append(P0, "a2", encoded("a2", poisoned));
        h.append(P0, "a3", encoded("a3", row(3)));
        h.worker(scorer(h)).run();

        assertThat(h.converged()).isTrue();
        assertTxns(h, txn(0, Outcome.COMMITTED, 0, 4));
        assertExactlyOnce(h, List.of("a2"));
        final ProducerRecord<String, byte[]> dlq = h.committedRecords().stream()
                .filter(r -> r.topic().equals(Topics.DLQ.name())).findFirst().orElseThrow();
        final DeadLetter dl = Topics.DLQ.valueSerde().deserializer().deserialize(dlq.topic(), dlq.value());
        assertThat(dl.reason()).isEqualTo(Reason.SCORING_ERROR);
        assertThat(dl.offset()).isEqualTo(2L);
        assertThat(dl.message()).contains("produced no probability");
        assertThat(h.transactions("committed")).isEqualTo(1);
    }

    @Test
    void anUnexpectedScorerErrorRebuildsBothClientsAfterTheBackOffAndRedoesTheBatch() throws Exception {
        final LoopHarness h = new LoopHarness(3, Duration.ZERO);
        fill(h, P0, "a", 5);
        h.worker(onSecondCall(h, () -> {
            throw new IllegalStateException("a bug in scoring");
        })).run();

        assertThat(h.converged()).isTrue();
        assertTxns(h, txn(0, Outcome.COMMITTED, 0, 3), txn(1, Outcome.COMMITTED, 3, 5));
        assertExactlyOnce(h, List.of());
        assertThat(h.sleeps).containsExactly(Duration.ofSeconds(1));
        assertThat(h.consumers).hasSize(2).allMatch(c -> c.closed());
        assertThat(h.producers).hasSize(2).allMatch(p -> p.closed());
        // The failed batch never reached the producer: no transaction was begun for it.
        assertThat(h.producers.get(0).commitCount()).isEqualTo(1);
    }

    @Test
    void aKafkaErrorWhilePollingRebuildsBothClientsAndResumesFromTheCommittedOffsets() throws Exception {
        final LoopHarness h = runConverged(6,
                x -> x.atPoll(2, c -> c.setPollException(new KafkaException("fetch failed"))));
        assertTxns(h, txn(0, Outcome.COMMITTED, 0, 3), txn(1, Outcome.COMMITTED, 3, 6));
        assertExactlyOnce(h, List.of());
        assertThat(h.sleeps).containsExactly(Duration.ofSeconds(1));
        assertThat(h.consumers).hasSize(2);
    }

    @Test
    void anErrorFromTheEngineEndsTheWorkerWithNothingOfItsBatchCommitted() throws Exception {
        final LoopHarness h = new LoopHarness(3, Duration.ZERO);
        fill(h, P0, "a", 6);
        final InferenceWorker worker = h.worker(onSecondCall(h,
                () -> engineError = new UnsatisfiedLinkError("libnd4j gone")));
        try {
            assertThatThrownBy(worker::run).isInstanceOf(UnsatisfiedLinkError.class);
        } finally {
            engineError = null;
        }

        // An Error is not retried: the thread ends (liveness reports it) and its clients are closed.
        assertThat(worker.finished()).isTrue();
        assertThat(worker.polling()).isFalse();
        assertTxns(h, txn(0, Outcome.COMMITTED, 0, 3));
        assertThat(h.committedOffsets()).isEqualTo(Map.of(P0, 3L));
        assertThat(h.consumers).hasSize(1).allMatch(c -> c.closed());
        assertThat(h.producers).hasSize(1).allMatch(p -> p.closed() && !p.transactionInFlight());
    }

    @Test
    void aStopDuringScoringCommitsTheBatchInHandAndPollsNoMore() throws Exception {
        final LoopHarness h = new LoopHarness(3, Duration.ZERO);
        fill(h, P0, "a", 6);
        h.stopWhen(() -> false);
        final InferenceWorker.Scorer real = scorer(h);
        final AtomicReference<InferenceWorker> worker = new AtomicReference<>();
        worker.set(h.worker((batch, stop) -> {
            worker.get().stop();
            return real.score(batch, stop);
        }));
        worker.get().run();

        assertTxns(h, txn(0, Outcome.COMMITTED, 0, 3));
        assertThat(h.polls()).isEqualTo(1);
        assertThat(worker.get().finished()).isTrue();
        assertThat(h.consumers).hasSize(1).allMatch(c -> c.closed());
        assertThat(h.producers).hasSize(1).allMatch(p -> p.closed());
    }

    @Test
    void aStopWhileTheBatchWaitsForAModelCommitsNothingOfIt() throws Exception {
        final LoopHarness h = new LoopHarness(3, Duration.ZERO);
        fill(h, P0, "a", 3);
        h.stopWhen(() -> false);
        final AtomicReference<InferenceWorker> worker = new AtomicReference<>();
        worker.set(h.worker((batch, stop) -> {
            worker.get().stop();
            throw new BatchScorer.Abandoned();
        }));
        worker.get().run();

        // Consumed again from the committed offsets after the restart.
        assertThat(h.txns).isEmpty();
        assertThat(h.committed).isEmpty();
        assertThat(h.producers).hasSize(1).allMatch(p -> p.closed() && p.commitCount() == 0);
        assertThat(h.transactions("committed") + h.transactions("aborted")).isZero();
        assertThat(worker.get().finished()).isTrue();
    }

    // ---- helpers ----

    /** The second commit times out like the real client: it may not be aborted afterwards. */
    private static void timeOutSecondCommit(final LoopHarness.TxProducer p, final boolean landed) {
        if (p.index == 0 && p.commitCount() == 1) {
            p.commitTransactionException = new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
            p.abortTransactionException = new KafkaException("Cannot attempt operation `abortTransaction` because the"
                    + " previous call to `commitTransaction` timed out and must be retried");
            p.commitLandsDespiteFailure = landed;
        }
    }

    private record Expected(int producer, Outcome outcome, List<String> keys, Map<TopicPartition, Long> offsets) {
    }

    /**
     * a0..a5 in batches of 3 where the first producer lost the second batch: it stays open (abandoned) with
     * that producer closed, and a second producer commits it again; the consumer stays, since only the
     * producer was unusable.
     */
    private static void assertSecondBatchRedoneByANewProducer(final LoopHarness h) {
        assertThat(h.converged()).isTrue();
        assertTxns(h,
                txn(0, Outcome.COMMITTED, 0, 3),
                txn(0, Outcome.ABANDONED, 3, 6),
                txn(1, Outcome.COMMITTED, 3, 6));
        assertExactlyOnce(h, List.of());
        assertThat(h.producers).hasSize(2);
        assertThat(h.producers.get(0).closed()).isTrue();
        assertThat(h.producers.get(1).transactionInitialized()).isTrue();
        assertThat(h.consumers).hasSize(1);
        assertThat(h.transactions("committed")).isEqualTo(2);
    }

    /**
     * a0..a{@code records - 1} on P0 in batches of 3 with {@code setup} applied, run until the worker stops;
     * the group's offsets then match what the committed transactions hold.
     */
    private static LoopHarness runConverged(final int records, final Consumer<LoopHarness> setup)
            throws Exception {
        final LoopHarness h = new LoopHarness(3, Duration.ZERO);
        fill(h, P0, "a", records);
        setup.accept(h);
        h.worker(scorer(h)).run();
        assertThat(h.converged()).isTrue();
        return h;
    }

    /** Records a{@code from}..a{@code to - 1} of P0, committing offset {@code to}, in one transaction. */
    private static Expected txn(final int producer, final Outcome outcome, final int from, final int to) {
        return new Expected(producer, outcome, keys("a", from, to), Map.of(P0, (long) to));
    }

    private static void assertTxns(final LoopHarness h, final Expected... expected) {
        final List<Expected> actual = new ArrayList<>();
        for (final Txn t : h.txns) {
            final Map<TopicPartition, Long> offsets = new HashMap<>();
            t.offsets().forEach((tp, om) -> offsets.put(tp, om.offset()));
            actual.add(new Expected(t.producer(), t.outcome(), t.keys(), offsets));
        }
        assertThat(actual).containsExactly(expected);
    }

    /**
     * Every input record has its outputs in exactly one committed transaction (two labeled records, or
     * one dead letter for {@code deadLettered}), and that transaction committed its offset; the group's
     * offsets end at the end of the log.
     */
    private static void assertExactlyOnce(final LoopHarness h, final List<String> deadLettered) {
        final Map<String, ConsumerRecord<String, byte[]>> inputs = new HashMap<>();
        h.log.values().forEach(records -> records.forEach(r -> inputs.put(r.key(), r)));
        final Map<String, List<String>> topics = h.committedTopicsByKey();
        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(inputs.keySet());
        for (final Map.Entry<String, List<String>> e : topics.entrySet()) {
            if (deadLettered.contains(e.getKey())) {
                assertThat(e.getValue()).as(e.getKey()).containsExactly(Topics.DLQ.name());
            } else {
                assertThat(e.getValue()).as(e.getKey()).hasSize(2).first().isEqualTo(Topics.LABELED.name());
                assertThat(e.getValue().get(1)).as(e.getKey())
                        .isIn(Topics.LABELED_POSITIVE.name(), Topics.LABELED_NEGATIVE.name());
            }
        }
        for (final Txn t : h.txns(Outcome.COMMITTED)) {
            final Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            for (final String key : t.keys()) {
                final ConsumerRecord<String, byte[]> in = inputs.get(key);
                next.merge(new TopicPartition(in.topic(), in.partition()), new OffsetAndMetadata(in.offset() + 1),
                        (a, b) -> a.offset() >= b.offset() ? a : b);
            }
            assertThat(t.offsets()).as("offsets of %s", t.keys()).isEqualTo(next);
        }
        final Map<TopicPartition, Long> end = new HashMap<>();
        h.log.forEach((tp, records) -> {
            if (!records.isEmpty()) {
                end.put(tp, (long) records.size());
            }
        });
        assertThat(h.committedOffsets()).isEqualTo(end);
    }

    private static InferenceWorker.Scorer scorer(final LoopHarness h) {
        return new BatchScorer(registry, Duration.ofSeconds(1), h.metrics)::score;
    }

    /** The real scorer, except that its second call first runs {@code action} (which may throw). */
    private static InferenceWorker.Scorer onSecondCall(final LoopHarness h, final Runnable action) {
        final InferenceWorker.Scorer real = scorer(h);
        final AtomicInteger calls = new AtomicInteger();
        return (batch, stop) -> {
            if (calls.incrementAndGet() == 2) {
                action.run();
            }
            return real.score(batch, stop);
        };
    }

    private static void fill(final LoopHarness h, final TopicPartition tp, final String prefix, final int n) {
        for (int i = 0; i < n; i++) {
            h.append(tp, prefix + i, encoded(prefix + i, row(i)));
        }
    }

    private static List<String> keys(final String prefix, final int from, final int to) {
        final List<String> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            keys.add(prefix + i);
        }
        return keys;
    }

    private static int index(final String key) {
        return Integer.parseInt(key.substring(1));
    }

    /** A valid pre-padded row that differs per {@code i} and never holds {@link #POISON}. */
    private static int[] row(final int i) {
        final int[] ids = new int[TestBundles.MAXLEN];
        ids[TestBundles.MAXLEN - 2] = 2 + i % 10;
        ids[TestBundles.MAXLEN - 1] = 20 + i % 7;
        return ids;
    }

    private static byte[] encoded(final String id, final int[] ids) {
        int tokens = 0;
        for (final int x : ids) {
            tokens += x != 0 ? 1 : 0;
        }
        final EncodedReview e = new EncodedReview(EncodedReview.SCHEMA, id, "text of " + id, io.sentimentstreams.contracts.Lang.EN, "test", RECEIVED,
                Map.of(), MODEL, 1, ids, tokens, 0, RECEIVED);
        return Topics.ENCODED.valueSerde().serializer().serialize(Topics.ENCODED.name(), e);
    }

    /** Scores from the row's ids alone; a row holding {@link #POISON} makes the whole call throw. */
    private static final class TestEngine implements SentimentModel {

        static float probability(final int[] row) {
            int sum = 0;
            for (final int id : row) {
                sum += id;
            }
            return (sum % 10) / 10f + 0.05f;
        }

        @Override
        public String engine() {
            return "test";
        }

        @Override
        public float[] score(final int[][] ids) {
            final Error error = engineError;
            if (error != null) {
                throw error;
            }
            final float[] out = new float[ids.length];
            for (int i = 0; i < ids.length; i++) {
                for (final int id : ids[i]) {
                    if (id == POISON) {
                        throw new IllegalArgumentException("token " + POISON + " breaks the test engine");
                    }
                }
                out[i] = probability(ids[i]);
            }
            return out;
        }

        @Override
        public void close() {
        }
    }
}
