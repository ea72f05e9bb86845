package io.sentimentstreams.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The follower over MockConsumers: replay from the beginning, the caught-up call, live records, reconnects, stop. */
class ModelsTopicFollowerTest {

    private static final String TOPIC = Topics.MODELS.name();
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

    /** What the handler saw, as "key|value|digest". */
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger caughtUpCalls = new AtomicInteger();
    /** The value of {@link #seen}'s size when the caught-up call came. */
    private volatile int seenAtCaughtUp = -1;
    private final Deque<MockConsumer<String, byte[]>> consumers = new ArrayDeque<>();
    private final List<MockConsumer<String, byte[]>> handedOut = Collections.synchronizedList(new ArrayList<>());
    private ModelsTopicFollower follower;

    @AfterEach
    void stop() throws InterruptedException {
        if (follower != null) {
            follower.close();
        }
    }

    private static MockConsumer<String, byte[]> consumer(final boolean topicExists, final long endP0, final long endP1) {
        final MockConsumer<String, byte[]> c = new MockConsumer<>("earliest");
        if (topicExists) {
            partitions(c);
        }
        c.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        c.updateEndOffsets(Map.of(P0, endP0, P1, endP1));
        return c;
    }

    private static void partitions(final MockConsumer<String, byte[]> c) {
        final Node node = new Node(0, "localhost", 9092);
        final Node[] nodes = {node};
        c.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, node, nodes, nodes),
                new PartitionInfo(TOPIC, 1, node, nodes, nodes)));
    }

    private static ConsumerRecord<String, byte[]> record(final TopicPartition tp, final long offset, final String key,
                                                         final String value, final String digest) {
        final RecordHeaders headers = new RecordHeaders();
        if (digest != null) {
            headers.add(new RecordHeader(BundleArchive.DIGEST_HEADER, digest.getBytes(StandardCharsets.UTF_8)));
        }
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, 0L, TimestampType.CREATE_TIME, -1, -1, key,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), headers, java.util.Optional.empty());
    }

    private void start(final ModelsTopicFollower.RecordHandler handler) {
        follower = new ModelsTopicFollower(() -> {
            synchronized (consumers) {
                final MockConsumer<String, byte[]> c = consumers.isEmpty() ? consumer(true, 0, 0) : consumers.poll();
                handedOut.add(c);
                return c;
            }
        }, "test-models", Duration.ofMillis(10), handler, () -> {
            seenAtCaughtUp = seen.size();
            caughtUpCalls.incrementAndGet();
        });
        follower.start();
    }

    private void record(final String key, final byte[] value, final String digest, final long offset) {
        seen.add(key + "|" + (value == null ? "null" : new String(value, StandardCharsets.UTF_8)) + "|" + digest);
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void replaysFromTheBeginningThenSaysCaughtUpOnceThenFollowsLiveRecords() throws Exception {
        final MockConsumer<String, byte[]> c = consumer(true, 2, 1);
        c.schedulePollTask(() -> {
            c.addRecord(record(P0, 0, "a@1", "one", "d1"));
            c.addRecord(record(P1, 0, "b@1", null, null));
        });
        c.schedulePollTask(() -> c.addRecord(record(P0, 1, "a@2", "two", " d2 ")));
        consumers.add(c);
        start(this::record);

        await(() -> caughtUpCalls.get() == 1, "caught up");
        assertThat(seenAtCaughtUp).as("caught up only after the records up to the end offsets").isEqualTo(3);
        assertThat(seen).containsExactly("a@1|one|d1", "b@1|null|null", "a@2|two| d2 ");
        assertThat(follower.caughtUp()).isTrue();

        c.schedulePollTask(() -> c.addRecord(record(P1, 1, "b@2", "live", "d3")));
        await(() -> seen.size() == 4, "the live record");
        assertThat(seen.get(3)).isEqualTo("b@2|live|d3");
        assertThat(caughtUpCalls).hasValue(1);
        assertThat(c.assignment()).containsExactlyInAnyOrder(P0, P1);
        assertThat(follower.isAlive()).isTrue();
    }

    @Test
    void rolloutRecordsReachOnlyHandlersThatRouteAndBundlesCarryTheirRoleHeaders() throws Exception {
        final MockConsumer<String, byte[]> c = consumer(true, 3, 0);
        final ConsumerRecord<String, byte[]> canary = record(P0, 1, "a@2", "two", "d2");
        canary.headers().add(new RecordHeader(io.sentimentstreams.rollout.RolloutRecords.ROLE_HEADER,
                "canary".getBytes(StandardCharsets.UTF_8)));
        canary.headers().add(new RecordHeader(io.sentimentstreams.rollout.RolloutRecords.PERCENT_HEADER,
                "25".getBytes(StandardCharsets.UTF_8)));
        c.schedulePollTask(() -> {
            c.addRecord(record(P0, 0, "a@1", "one", "d1"));
            c.addRecord(canary);
            c.addRecord(record(P0, 2, "rollout:en", "{}", null));
        });
        consumers.add(c);
        start(this::record);
        await(() -> caughtUpCalls.get() == 1, "caught up");
        assertThat(seen).as("a bundles-only reader never sees a rollout record")
                .containsExactly("a@1|one|d1", "a@2|two|d2");
        follower.close();

        final List<ModelsTopicFollower.ModelsRecord> all = Collections.synchronizedList(new ArrayList<>());
        final MockConsumer<String, byte[]> again = consumer(true, 3, 0);
        again.schedulePollTask(() -> {
            again.addRecord(record(P0, 0, "a@1", "one", "d1"));
            again.addRecord(canary);
            again.addRecord(record(P0, 2, "rollout:en", "{}", null));
        });
        final AtomicInteger done = new AtomicInteger();
        final ModelsTopicFollower.Handler handler = all::add;
        follower = new ModelsTopicFollower(() -> again, "test-rollout", Duration.ofMillis(10), handler,
                done::incrementAndGet);
        follower.start();
        await(() -> done.get() == 1, "caught up with a routing handler");
        assertThat(all).extracting(ModelsTopicFollower.ModelsRecord::key).containsExactly("a@1", "a@2", "rollout:en");
        assertThat(all.get(1).roleHeader()).isEqualTo("canary");
        assertThat(all.get(1).percentHeader()).isEqualTo("25");
        assertThat(all.get(0).roleHeader()).isNull();
        assertThat(all.get(2).rollout()).isTrue();
    }

    @Test
    void emptyTopicIsCaughtUpAtOnce() throws Exception {
        consumers.add(consumer(true, 0, 0));
        start(this::record);
        await(() -> caughtUpCalls.get() == 1, "caught up");
        assertThat(seen).isEmpty();
    }

    @Test
    void aTopicThatDoesNotExistYetIsWaitedFor() throws Exception {
        final MockConsumer<String, byte[]> c = consumer(false, 1, 0);
        c.schedulePollTask(() -> c.addRecord(record(P0, 0, "a@1", "one", "d1")));
        consumers.add(c);
        start(this::record);
        Thread.sleep(200);
        assertThat(caughtUpCalls).as("no caught-up call while the topic is missing").hasValue(0);
        partitions(c);
        await(() -> caughtUpCalls.get() == 1, "caught up once the topic exists");
        assertThat(seen).containsExactly("a@1|one|d1");
    }

    @Test
    void afterAClientErrorANewConsumerReplaysFromTheBeginningWithoutASecondCaughtUpCall() throws Exception {
        final MockConsumer<String, byte[]> first = consumer(true, 1, 0);
        first.schedulePollTask(() -> first.addRecord(record(P0, 0, "a@1", "one", "d1")));
        first.schedulePollTask(() -> first.setPollException(new KafkaException("broker gone")));
        final MockConsumer<String, byte[]> second = consumer(true, 1, 0);
        second.schedulePollTask(() -> second.addRecord(record(P0, 0, "a@1", "one", "d1")));
        second.schedulePollTask(() -> second.addRecord(record(P0, 1, "a@2", "two", "d2")));
        consumers.add(first);
        consumers.add(second);
        start(this::record);

        await(() -> seen.size() == 3, "the replay on the second consumer");
        assertThat(seen).containsExactly("a@1|one|d1", "a@1|one|d1", "a@2|two|d2");
        assertThat(first.closed()).as("the failed consumer is closed").isTrue();
        assertThat(caughtUpCalls).hasValue(1);
        assertThat(follower.isAlive()).isTrue();
    }

    @Test
    void aHandlerThatThrowsDoesNotStopTheFollower() throws Exception {
        final MockConsumer<String, byte[]> c = consumer(true, 2, 0);
        c.schedulePollTask(() -> {
            c.addRecord(record(P0, 0, "boom@1", "x", "d"));
            c.addRecord(record(P0, 1, "a@1", "one", "d1"));
        });
        consumers.add(c);
        start((key, value, digest, offset) -> {
            if (key.startsWith("boom")) {
                throw new IllegalStateException("handler bug");
            }
            record(key, value, digest, offset);
        });
        await(() -> caughtUpCalls.get() == 1, "caught up");
        assertThat(seen).containsExactly("a@1|one|d1");
        assertThat(handedOut).hasSize(1);
    }

    @Test
    void closeStopsTheThreadAndClosesTheConsumer() throws Exception {
        final MockConsumer<String, byte[]> c = consumer(true, 0, 0);
        consumers.add(c);
        start(this::record);
        await(() -> caughtUpCalls.get() == 1, "caught up");
        follower.close();
        assertThat(follower.isAlive()).isFalse();
        assertThat(c.closed()).isTrue();
    }

    @Test
    void consumerSettingsKeepTheServicesClientSettingsAndSetWhatFollowingNeeds() {
        final Map<String, Object> c = ModelsTopicFollower.consumerConfig(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092",
                "security.protocol", "SSL",
                ConsumerConfig.GROUP_ID_CONFIG, "sentiment-inference",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "x.Y",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"), "svc-models");
        assertThat(c).containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry("security.protocol", "SSL")
                .containsEntry(ConsumerConfig.CLIENT_ID_CONFIG, "svc-models")
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")
                .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1)
                .containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MODEL_MAX_BYTES + 1024 * 1024)
                .doesNotContainKeys(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
    }
}
