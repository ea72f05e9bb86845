package io.sentimentstreams.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.inference.model.ModelRegistry;
import io.sentimentstreams.inference.model.ServedModel;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.models.RefusalReason;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry without Kafka: verification, refusal reasons, the LRU with its newest-per-name rule, the wait bound. */
class ModelRegistryTest {

    @TempDir
    Path tmp;
    private SimpleMeterRegistry meters;
    private ModelRegistry registry;

    @BeforeEach
    void setUp() {
        meters = new SimpleMeterRegistry();
        registry = new ModelRegistry(b -> Engines.load(b, EngineChoice.FAST), 2, tmp.resolve("cache"),
                new InferenceMetrics(meters));
    }

    private void offer(final ModelBundle b) {
        registry.offer(b.manifest().ref().toString(), TestBundles.archive(b), b.digest());
    }

    private double refused(final String reason) {
        final var c = meters.find("sentiment.inference.models.refused").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void newestVersionPerNameLoadsWhenReplayEnds() {
        offer(TestBundles.write(tmp, "a", 1, 1));
        offer(TestBundles.write(tmp, "a", 2, 2));
        offer(TestBundles.write(tmp, "b", 1, 3));
        assertThat(registry.loadedCount()).isZero();
        registry.markCaughtUp();
        assertThat(registry.loadedRefs()).containsExactlyInAnyOrder(new ModelRef("a", 2), new ModelRef("b", 1));
        assertThat(registry.snapshot().inService()).containsEntry("a", 2).containsEntry("b", 1);
        assertThat(meters.find("sentiment.inference.model.version").tag("model", "a").gauge().value()).isEqualTo(2.0);
    }

    @Test
    void leastRecentlyUsedVersionIsEvictedButTheNewestOfEachNameStaysAndEvictedOnesReload() throws Exception {
        registry.markCaughtUp();
        offer(TestBundles.write(tmp, "a", 1, 1));
        offer(TestBundles.write(tmp, "a", 2, 2));
        offer(TestBundles.write(tmp, "a", 3, 3));
        // capacity 2: a@1 is the least recently used and not the newest
        assertThat(registry.loadedRefs()).containsExactlyInAnyOrder(new ModelRef("a", 2), new ModelRef("a", 3));
        final ModelRegistry.Lookup again = registry.await(new ModelRef("a", 1), 0, () -> false);
        assertThat(again.model()).as(again.unavailable()).isNotNull();
        again.model().release();
        assertThat(registry.loadedRefs()).contains(new ModelRef("a", 1), new ModelRef("a", 3))
                .doesNotContain(new ModelRef("a", 2));
    }

    @Test
    void checksumAndDigestFailuresAreRefusedAndTheServingVersionStays() throws Exception {
        registry.markCaughtUp();
        final ModelBundle good = TestBundles.write(tmp, "c", 1, 1);
        offer(good);
        final ModelBundle two = TestBundles.write(tmp, "c", 2, 2);
        // the manifest (so the digest) is intact, the network's sha256 is not
        registry.offer("c@2", TestBundles.archiveWithCorruptedNetwork(two), two.digest());
        registry.offer("c@3", TestBundles.archive(TestBundles.write(tmp, "c", 3, 3)), "00".repeat(32));
        registry.offer("c@4", new byte[] {1, 2, 3}, "00".repeat(32));
        final ModelBundle five = TestBundles.write(tmp, "c", 5, 5);
        registry.offer("c@5", TestBundles.archive(five), null);
        assertThat(refused("CHECKSUM_MISMATCH")).isEqualTo(2.0);
        assertThat(refused("MISSING_FILE")).isEqualTo(1.0);
        assertThat(refused("MISSING_DIGEST")).isEqualTo(1.0);
        assertThat(registry.loadedRefs()).containsExactly(new ModelRef("c", 1));
        final ModelRegistry.Lookup refusedLookup = registry.await(new ModelRef("c", 2), TimeUnit.SECONDS.toNanos(30),
                () -> false);
        assertThat(refusedLookup.model()).isNull();
        assertThat(refusedLookup.unavailable()).contains("refused").contains("CHECKSUM_MISMATCH");
    }

    @Test
    void badKeysAreRefusedWhileTheServingVersionStays() {
        registry.markCaughtUp();
        final ModelBundle good = TestBundles.write(tmp, "k", 1, 1);
        offer(good);
        registry.offer("k-without-version", TestBundles.archive(good), good.digest());
        registry.offer("k-without-version", null, null);
        assertThat(refused("BAD_KEY")).isEqualTo(2.0);
        assertThat(meters.find("sentiment.inference.models.refused").tag("model", "unknown").counter().count())
                .isEqualTo(2.0);
        assertThat(registry.loadedRefs()).containsExactly(new ModelRef("k", 1));
        assertThat(registry.snapshot().refused()).isEmpty();
    }

    private long bundleDirs() throws java.io.IOException {
        try (java.util.stream.Stream<Path> dirs = java.nio.file.Files.list(tmp.resolve("cache"))) {
            return dirs.count();
        }
    }

    @Test
    void aRetiredVersionServesNoNewLeaseAndIsClosedAndDeletedWhenItsLastLeaseReturns() throws Exception {
        registry.markCaughtUp();
        final ModelBundle one = TestBundles.write(tmp, "a", 1, 1);
        final ModelBundle two = TestBundles.write(tmp, "a", 2, 2);
        registry.offer("a@1", TestBundles.archive(one), one.digest(), 0);
        registry.offer("a@2", TestBundles.archive(two), two.digest(), 1);
        assertThat(registry.snapshot().inService()).containsEntry("a", 2);
        final ModelRegistry.Lookup inFlight = registry.await(new ModelRef("a", 2), 0, () -> false);
        assertThat(inFlight.model()).as(inFlight.unavailable()).isNotNull();
        final long dirsBefore = bundleDirs();

        registry.offer("a@2", null, null, 2);
        assertThat(registry.snapshot().onDisk()).containsExactly("a@1");
        assertThat(registry.snapshot().inService()).as("the newest live version takes over").containsEntry("a", 1);
        assertThat(registry.loadedRefs()).containsExactly(new ModelRef("a", 1));
        final ModelRegistry.Lookup after = registry.await(new ModelRef("a", 2), TimeUnit.SECONDS.toNanos(30),
                () -> false);
        assertThat(after.model()).isNull();
        assertThat(after.reason()).isEqualTo(io.sentimentstreams.contracts.Reason.MODEL_VERSION_RETIRED);
        assertThat(after.unavailable()).contains("a@2 was retired").contains("offset 2");
        assertThat(bundleDirs()).as("the worker holding a lease still scores with it").isEqualTo(dirsBefore);
        assertThat(inFlight.model().engine().score(new int[][] {new int[TestBundles.MAXLEN]})).hasSize(1);

        inFlight.model().release();
        assertThat(bundleDirs()).as("gone once nothing uses it").isEqualTo(dirsBefore - 1);
        assertThat(meters.find("sentiment.inference.models.retired").tag("model", "a").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aBundleBeforeItsTombstoneStaysRetiredAndOnePublishedAfterItServesAgain() throws Exception {
        registry.markCaughtUp();
        final ModelBundle one = TestBundles.write(tmp, "r", 1, 1);
        registry.offer("r@1", TestBundles.archive(one), one.digest(), 0);
        registry.offer("r@1", null, null, 1);
        assertThat(bundleDirs()).isZero();
        // A reconnect replays the topic before compaction removed the bundle record.
        registry.offer("r@1", TestBundles.archive(one), one.digest(), 0);
        assertThat(registry.loadedRefs()).isEmpty();
        assertThat(registry.await(new ModelRef("r", 1), 0, () -> false).reason())
                .isEqualTo(io.sentimentstreams.contracts.Reason.MODEL_VERSION_RETIRED);
        registry.offer("r@1", TestBundles.archive(one), one.digest(), 2);
        assertThat(registry.loadedRefs()).containsExactly(new ModelRef("r", 1));
    }

    @Test
    void shapeMismatchesAreRefused() {
        registry.markCaughtUp();
        // the encoder pads to 20 steps but the network was built for 12
        offer(TestBundles.write(tmp, "s", 1, 1, TestBundles.pipeline(TestBundles.VOCAB, 20),
                TestBundles.architecture()));
        // the vocabulary holds 60 words under num_words 100, the network embeds 40 ids
        offer(TestBundles.write(tmp, "s", 2, 2, TestBundles.pipeline(100, TestBundles.MAXLEN),
                TestBundles.architecture(), TestBundles.architecture(), 60));
        // the manifest claims 40 ids but the network itself embeds only 20
        final Architecture small = new Architecture("bilstm", 20, 8, 4, Pooling.MAX, 0, null, "softmax2", true,
                TestBundles.MAXLEN);
        offer(TestBundles.write(tmp, "s", 3, 3, TestBundles.pipeline(TestBundles.VOCAB, TestBundles.MAXLEN),
                TestBundles.architecture(), small, TestBundles.VOCAB - 1));
        // Engines checks parameter counts against the manifest (SHAPE_MISMATCH); an engine that only fails in
        // its canary is refused as ENGINE_ERROR. Either way the bundle must not serve.
        assertThat(refused("SHAPE_MISMATCH") + refused(RefusalReason.ENGINE_ERROR.name())).isEqualTo(3.0);
        assertThat(refused("SHAPE_MISMATCH")).isGreaterThanOrEqualTo(2.0);
        assertThat(registry.loadedCount()).isZero();
    }

    @Test
    void versionsAnnouncedTwiceWithDifferentContentAreRefusedAndTheFirstStays() {
        registry.markCaughtUp();
        final ModelBundle first = TestBundles.write(tmp, "d", 1, 1);
        offer(first);
        offer(TestBundles.write(tmp, "d", 1, 99));
        assertThat(refused("VERSION_CONFLICT")).isEqualTo(1.0);
        final ServedModel served = registry.leaseIfLoaded(new ModelRef("d", 1)).orElseThrow();
        assertThat(served.digest()).isEqualTo(first.digest());
        served.release();
    }

    @Test
    void unknownVersionIsUnavailableOnceTheWaitFromFirstNeedHasPassed() throws Exception {
        registry.markCaughtUp();
        final long start = System.nanoTime();
        final ModelRegistry.Lookup first = registry.await(new ModelRef("e", 7), TimeUnit.MILLISECONDS.toNanos(300),
                () -> false);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(first.model()).isNull();
        assertThat(first.unavailable()).contains("e@7").contains("not announced");
        // The bound counts from the first need: the next record for e@7 does not wait again.
        final long again = System.nanoTime();
        assertThat(registry.await(new ModelRef("e", 7), TimeUnit.MILLISECONDS.toNanos(300), () -> false).model())
                .isNull();
        assertThat(System.nanoTime() - again).isLessThan(TimeUnit.MILLISECONDS.toNanos(300));
    }
}
