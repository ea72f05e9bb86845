package io.sentimentstreams.preprocess.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.preprocess.metrics.PreprocessMetrics;
import io.sentimentstreams.rollout.Rollout;
import io.sentimentstreams.rollout.RolloutRecords;
import io.sentimentstreams.rollout.RolloutRole;
import io.sentimentstreams.preprocess.testing.BundleFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model registry: which bundles become active, which are refused and why, and that the old one stays. */
class ModelRegistryTest {

    @TempDir
    Path tmp;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private ModelRegistry registry;
    private Path cache;

    @BeforeEach
    void setUp() {
        cache = tmp.resolve("cache");
        registry = new ModelRegistry(cache, new PreprocessMetrics(meters));
    }

    private BundleFixtures.Packed packed(final String name, final int version, final String lang) {
        return BundleFixtures.packed(tmp, name, version, lang, List.of("good", "bad"));
    }

    private LoadOutcome offer(final BundleFixtures.Packed p) {
        return registry.offer(p.key(), p.archive(), p.digest());
    }

    private double refused(final String reason) {
        final var c = meters.find(PreprocessMetrics.MODELS_REFUSED).tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    private String activeRef(final String lang) {
        return registry.active(lang).map(m -> m.ref().toString()).orElse("none");
    }

    @Test
    void verifiedBundleBecomesActiveForItsLanguage() {
        final LoadOutcome outcome = offer(packed("imdb-en", 1, "en"));
        assertThat(outcome.status()).isEqualTo(LoadOutcome.Status.LOADED);
        assertThat(outcome.message()).contains("imdb-en@1 active for en");
        assertThat(activeRef("en")).isEqualTo("imdb-en@1");
        assertThat(activeRef("ko")).isEqualTo("none");
        assertThat(registry.active("en").orElseThrow().encoder().encode("good bad ugly").ids())
                .endsWith(2, 3, 1);
        assertThat(meters.find(PreprocessMetrics.MODELS_LOADED).tags("lang", "en", "model", "imdb-en", "version", "1")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void koreanBundleWithTheOktAnalyzerLoadsAndEncodes() {
        // Okt needs Scala 2.12 on this module's classpath (pinned in the pom): this fails if the pin is lost.
        final ModelBundle bundle = BundleFixtures.bundle(tmp, "nsmc-ko", 1, "ko", BundleFixtures.pipeline("ko", "okt"),
                BundleFixtures.vocabTsv(List.of("영화", "최고")));
        assertThat(offer(BundleFixtures.pack(bundle)).status()).isEqualTo(LoadOutcome.Status.LOADED);
        final var encoding = registry.active("ko").orElseThrow().encoder().encode("영화 최고");
        assertThat(encoding.ids()).endsWith(2, 3);
        assertThat(encoding.oovCount()).isZero();
    }

    @Test
    void unpackedFilesAreDeletedOnceLoadedOrRefused() throws IOException {
        offer(packed("imdb-en", 1, "en"));
        registry.offer("imdb-en@2", "not a zip".getBytes(StandardCharsets.UTF_8), "00");
        try (Stream<Path> left = Files.list(cache)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void digestDifferentFromTheAnnouncementIsRefusedAndTheOldModelKeepsServing() {
        offer(packed("imdb-en", 1, "en"));
        final BundleFixtures.Packed v2 = packed("imdb-en", 2, "en");
        final LoadOutcome outcome = registry.offer(v2.key(), v2.archive(), "0".repeat(64));
        assertThat(outcome.status()).isEqualTo(LoadOutcome.Status.REFUSED);
        assertThat(outcome.reason()).isEqualTo("CHECKSUM_MISMATCH");
        assertThat(activeRef("en")).isEqualTo("imdb-en@1");
        assertThat(refused("CHECKSUM_MISMATCH")).isEqualTo(1.0);
    }

    @Test
    void fileAlteredAfterTheManifestWasWrittenIsRefused() throws IOException {
        final ModelBundle bundle = BundleFixtures.bundle(tmp, "imdb-en", 1, "en", List.of("good"));
        Files.writeString(bundle.file(BundleManifest.VOCABULARY), BundleFixtures.vocabTsv(List.of("evil")));
        final BundleFixtures.Packed tampered = BundleFixtures.pack(bundle);
        final LoadOutcome outcome = offer(tampered);
        assertThat(outcome.reason()).isEqualTo("CHECKSUM_MISMATCH");
        assertThat(outcome.message()).contains("vocab.tsv");
        assertThat(activeRef("en")).isEqualTo("none");
    }

    @Test
    void missingDigestHeaderIsRefused() {
        final BundleFixtures.Packed p = packed("imdb-en", 1, "en");
        assertThat(registry.offer(p.key(), p.archive(), null).reason()).isEqualTo("MISSING_DIGEST");
        assertThat(refused("MISSING_DIGEST")).isEqualTo(1.0);
    }

    @Test
    void recordKeyMustNameTheBundleInside() {
        final BundleFixtures.Packed p = packed("imdb-en", 1, "en");
        assertThat(registry.offer("imdb-en@7", p.archive(), p.digest()).reason()).isEqualTo("KEY_MISMATCH");
        assertThat(registry.offer("no-version", p.archive(), p.digest()).reason()).isEqualTo("BAD_KEY");
        assertThat(activeRef("en")).isEqualTo("none");
    }

    @Test
    void archiveThatIsNotABundleIsRefused() {
        final LoadOutcome outcome = registry.offer("imdb-en@1", "garbage".getBytes(StandardCharsets.UTF_8), "ab");
        assertThat(outcome.status()).isEqualTo(LoadOutcome.Status.REFUSED);
        assertThat(outcome.reason()).isIn("BAD_ARCHIVE", "MISSING_FILE");
    }

    @Test
    void bundleForAnUnsupportedLanguageIsRefused() {
        assertThat(offer(packed("allocine-fr", 1, "fr")).reason()).isEqualTo("UNSUPPORTED_LANG");
    }

    @Test
    void unreadableVocabularyIsRefused() {
        final ModelBundle bundle = BundleFixtures.bundle(tmp, "imdb-en", 1, "en", BundleFixtures.pipeline("en", "wordpunct"),
                "<OOV>\t1\t0\ngood\tnot-a-number\t3\n");
        assertThat(offer(BundleFixtures.pack(bundle)).reason()).isEqualTo("BAD_VOCABULARY");
    }

    @Test
    void unknownTokenizerIsRefused() {
        final LoadOutcome outcome = offer(BundleFixtures.packed(tmp, "imdb-en", 1, "en",
                BundleFixtures.pipeline("en", "spacy"), BundleFixtures.vocabTsv(List.of("good"))));
        assertThat(outcome.reason()).isEqualTo("BAD_PIPELINE");
        assertThat(outcome.message()).contains("spacy");
    }

    @Test
    void pipelineLanguageMustMatchTheBundleLanguage() {
        final ModelBundle bundle = BundleFixtures.bundle(tmp, "imdb-en", 1, "en", BundleFixtures.pipeline("ko", "wordpunct"),
                BundleFixtures.vocabTsv(List.of("good")));
        assertThat(offer(BundleFixtures.pack(bundle)).reason()).isEqualTo("LANG_MISMATCH");
    }

    @Test
    void replayedVersionsAreSkippedWithoutUnpackingAndOlderOnesAreReadButDoNotServe() {
        final BundleFixtures.Packed v2 = packed("imdb-en", 2, "en");
        offer(v2);
        assertThat(offer(v2).status()).isEqualTo(LoadOutcome.Status.SKIPPED);
        // Garbage bytes under a version held: skipped on the key alone, never unpacked, so not refused either.
        assertThat(registry.offer("imdb-en@2", new byte[] {1, 2, 3}, "x").status())
                .isEqualTo(LoadOutcome.Status.SKIPPED);
        assertThat(meters.find(PreprocessMetrics.MODELS_REFUSED).counters()).isEmpty();
        assertThat(offer(packed("imdb-en", 1, "en")).status()).isEqualTo(LoadOutcome.Status.LOADED);
        assertThat(activeRef("en")).isEqualTo("imdb-en@2");
    }

    @Test
    void mostRecentlyPublishedModelOfALanguageWinsAcrossModelNames() {
        offer(packed("imdb-en", 3, "en"));
        offer(packed("sst2-en", 1, "en"));
        assertThat(activeRef("en")).isEqualTo("sst2-en@1");
        offer(packed("imdb-en", 4, "en"));
        assertThat(activeRef("en")).isEqualTo("imdb-en@4");
    }

    @Test
    void tombstoneOfAnOlderVersionKeepsTheActiveModel() {
        offer(packed("imdb-en", 1, "en"));
        offer(packed("imdb-en", 2, "en"));
        assertThat(registry.offer("imdb-en@1", null, null).status()).isEqualTo(LoadOutcome.Status.RETIRED);
        assertThat(activeRef("en")).isEqualTo("imdb-en@2");
        assertThat(meters.find(PreprocessMetrics.MODELS_RETIRED).tag("model", "imdb-en").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void retiringTheActiveVersionSwitchesAtOnceToTheNewestLiveOne() {
        final BundleFixtures.Packed v1 = packed("imdb-en", 1, "en");
        final BundleFixtures.Packed v2 = packed("imdb-en", 2, "en");
        final BundleFixtures.Packed ko = packed("nsmc-ko", 1, "ko");
        registry.offer(v1.key(), v1.archive(), v1.digest(), 0);
        registry.offer(v2.key(), v2.archive(), v2.digest(), 1);
        registry.offer(ko.key(), ko.archive(), ko.digest(), 2);
        assertThat(registry.offer("imdb-en@2", null, null, 3).status()).isEqualTo(LoadOutcome.Status.RETIRED);
        assertThat(activeRef("en")).as("no new record is encoded with a retired version").isEqualTo("imdb-en@1");
        assertThat(activeRef("ko")).isEqualTo("nsmc-ko@1");
        // A replay of the topic before compaction keeps the version retired.
        assertThat(registry.offer(v2.key(), v2.archive(), v2.digest(), 1).status())
                .isEqualTo(LoadOutcome.Status.SKIPPED);
        assertThat(activeRef("en")).isEqualTo("imdb-en@1");
        // Published again after its tombstone, the version is live again.
        assertThat(registry.offer(v2.key(), v2.archive(), v2.digest(), 4).status()).isEqualTo(LoadOutcome.Status.LOADED);
        assertThat(activeRef("en")).isEqualTo("imdb-en@2");
    }

    @Test
    void retiringTheOnlyVersionLeavesTheLanguageWithoutAModel() {
        offer(packed("nsmc-ko", 1, "ko"));
        registry.offer("nsmc-ko@1", null, null);
        assertThat(activeRef("ko")).isEqualTo("none");
    }

    @Test
    void aShadowOrCanaryBundleIsACandidateAndPromoteAndRollbackRecordsSwitchAtOnce() {
        final BundleFixtures.Packed v1 = packed("imdb-en", 1, "en");
        final BundleFixtures.Packed v2 = packed("imdb-en", 2, "en");
        registry.offer(v1.key(), v1.archive(), v1.digest(), 0);
        assertThat(registry.offer(v2.key(), v2.archive(), v2.digest(), 1, "shadow", null).status())
                .isEqualTo(LoadOutcome.Status.LOADED);
        assertThat(activeRef("en")).as("a shadow does not serve").isEqualTo("imdb-en@1");
        assertThat(registry.routing("en").orElseThrow().shadow().ref()).hasToString("imdb-en@2");

        final Rollout canary = registry.rollouts().get("en").withCandidate(v2ref(), RolloutRole.CANARY, 50);
        registry.offerRollout(RolloutRecords.key("en"), RolloutRecords.encode(canary, "canary"), 2);
        final Routing routing = registry.routing("en").orElseThrow();
        assertThat(routing.shadow()).isNull();
        assertThat(routing.choose("id-in-canary").model().ref()).isEqualTo(canary.answering("id-in-canary"));

        registry.offerRollout(RolloutRecords.key("en"), RolloutRecords.encode(canary.promote(), "promote"), 3);
        assertThat(activeRef("en")).isEqualTo("imdb-en@2");
        registry.offerRollout(RolloutRecords.key("en"),
                RolloutRecords.encode(canary.promote().rollback(), "rollback"), 4);
        assertThat(activeRef("en")).isEqualTo("imdb-en@1");
    }

    @Test
    void unreadableRolloutRecordsAndRoleHeadersAreRefusedAndChangeNothing() {
        final BundleFixtures.Packed v1 = packed("imdb-en", 1, "en");
        registry.offer(v1.key(), v1.archive(), v1.digest(), 0);
        assertThat(registry.offerRollout("rollout:en", "{\"lang\":\"ko\"}".getBytes(), 1).reason())
                .isEqualTo("BAD_KEY");
        final BundleFixtures.Packed v2 = packed("imdb-en", 2, "en");
        final LoadOutcome bad = registry.offer(v2.key(), v2.archive(), v2.digest(), 2, "canary", "200");
        assertThat(bad.status()).isEqualTo(LoadOutcome.Status.REFUSED);
        assertThat(bad.message()).contains("[0, 100]");
        assertThat(activeRef("en")).isEqualTo("imdb-en@1");
        assertThat(registry.routing("en").orElseThrow().candidate()).isNull();
    }

    private static io.sentimentstreams.contracts.ModelRef v2ref() {
        return io.sentimentstreams.contracts.ModelRef.parse("imdb-en@2");
    }

    @Test
    void versionGaugeFollowsTheActiveModel() {
        assertThat(meters.find(PreprocessMetrics.MODEL_VERSION).tag("lang", "ko").gauge().value()).isZero();
        offer(packed("nsmc-ko", 3, "ko"));
        assertThat(meters.find(PreprocessMetrics.MODEL_VERSION).tag("lang", "ko").gauge().value()).isEqualTo(3.0);
    }

    @Test
    void initialLoadWaitEndsWhenTheTopicHasBeenRead() throws Exception {
        final CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return registry.awaitInitialLoad(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        registry.markCaughtUp();
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(registry.isCaughtUp()).isTrue();
    }

    @Test
    void onlyTheFirstTimedOutWaitWaits() throws InterruptedException {
        assertThat(registry.awaitInitialLoad(Duration.ofMillis(20))).isFalse();
        final long t0 = System.nanoTime();
        assertThat(registry.awaitInitialLoad(Duration.ofMinutes(10))).isFalse();
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.MINUTES.toNanos(1));
    }
}
