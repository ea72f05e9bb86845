package io.sentimentstreams.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.contracts.ModelRef;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RolloutsTest {

    private static final ModelRef V7 = ModelRef.parse("imdb-en@7");
    private static final ModelRef V8 = ModelRef.parse("imdb-en@8");
    private static final ModelRef V9 = ModelRef.parse("imdb-en@9");
    private final Rollouts book = new Rollouts();

    @Test
    void bundlesWithoutARoleKeepTheirOldMeaningTheNewestIsLive() {
        book.bundle(V7, "en", RolloutRole.LIVE, 0);
        book.bundle(V8, "en", null, 0);
        assertThat(book.of("en").live()).isEqualTo(V8);
        assertThat(book.of("en").previous()).isEqualTo(V7);
        book.bundle(V7, "en", RolloutRole.LIVE, 0);
        assertThat(book.of("en").live()).as("an older version of the live name is skipped").isEqualTo(V8);
    }

    @Test
    void aShadowBundleIsACandidateAndLeavesTheLiveModelServing() {
        book.bundle(V7, "en", RolloutRole.LIVE, 0);
        final Rollout r = book.bundle(V8, "en", RolloutRole.SHADOW, 0);
        assertThat(r.live()).isEqualTo(V7);
        assertThat(r.shadow()).isEqualTo(V8);
        assertThat(r.answering("any-id")).isEqualTo(V7);
    }

    @Test
    void shadowThenCanaryThenPromoteThenRollback() {
        book.bundle(V7, "en", RolloutRole.LIVE, 0);
        book.bundle(V8, "en", RolloutRole.SHADOW, 0);
        final Rollout canary = book.record(book.of("en").withCandidate(V8, RolloutRole.CANARY, 50));
        assertThat(canary.shadow()).isNull();
        final long toCanary = IntStream.range(0, 2000).mapToObj(i -> "review-" + i)
                .filter(id -> canary.answering(id).equals(V8)).count();
        assertThat(toCanary).isBetween(900L, 1100L);
        final Rollout promoted = book.record(canary.promote());
        assertThat(promoted.live()).isEqualTo(V8);
        assertThat(promoted.candidate()).isNull();
        assertThat(promoted.previous()).isEqualTo(V7);
        final Rollout back = book.record(promoted.rollback());
        assertThat(back.live()).isEqualTo(V7);
        assertThat(back.previous()).isNull();
        assertThatThrownBy(back::rollback).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no previous live version of en");
        assertThatThrownBy(back::promote).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no shadow or canary candidate");
    }

    @Test
    void canaryIdsStickToTheirModelAcrossBooksAndPercentsOnlyGrowTheShare() {
        final Rollout at10 = new Rollout("en", V7, V8, RolloutRole.CANARY, 10, null);
        final Rollout at50 = new Rollout("en", V7, V8, RolloutRole.CANARY, 50, null);
        for (int i = 0; i < 500; i++) {
            final String id = "id-" + i;
            assertThat(at50.answering(id)).isEqualTo(new Rollout("en", V7, V8, RolloutRole.CANARY, 50, null)
                    .answering(id));
            if (at10.answering(id).equals(V8)) {
                assertThat(at50.answering(id)).as("an id in the 10 %% stays in the 50 %%").isEqualTo(V8);
            }
        }
        assertThat(new Rollout("en", V7, V8, RolloutRole.CANARY, 0, null).answering("x")).isEqualTo(V7);
        assertThat(new Rollout("en", V7, V8, RolloutRole.CANARY, 100, null).answering("x")).isEqualTo(V8);
    }

    @Test
    void theBucketIsAFixedFunctionOfTheId() {
        // Pinned: a change of hash would move every canary id to another model on upgrade.
        assertThat(CanaryBucket.of("review-1")).isEqualTo(CanaryBucket.of("review-1"));
        assertThat(IntStream.range(0, 1000).map(i -> CanaryBucket.of("r" + i)).allMatch(b -> b >= 0 && b < 100))
                .isTrue();
        assertThat(IntStream.range(0, 10).map(i -> CanaryBucket.of("review-" + i)).boxed().toList())
                .isEqualTo(PINNED);
    }

    private static final java.util.List<Integer> PINNED = java.util.List.of(50, 28, 8, 33, 97, 32, 96, 45, 40, 5);

    @Test
    void retiringTheLiveVersionFallsBackToThePreviousOne() {
        book.bundle(V7, "en", null, 0);
        book.bundle(V8, "en", null, 0);
        book.bundle(V9, "en", RolloutRole.CANARY, 20);
        assertThat(book.retire(V8)).singleElement().satisfies(r -> {
            assertThat(r.live()).isEqualTo(V7);
            assertThat(r.candidate()).isEqualTo(V9);
            assertThat(r.percent()).isEqualTo(20);
        });
        assertThat(book.retire(V9)).singleElement().satisfies(r -> assertThat(r.candidate()).isNull());
        assertThat(book.retire(V7)).singleElement().satisfies(r -> assertThat(r.live()).isNull());
    }

    @Test
    void aRolloutRecordNamingVersionsNoLongerOnTheTopicKeepsOnlyWhatIsThere() {
        // After compaction removed imdb-en@8 and its tombstone, the rollout that promoted it is still there.
        book.bundle(V7, "en", null, 0);
        final Rollout r = book.record(new Rollout("en", V8, V9, RolloutRole.SHADOW, 0, V7));
        assertThat(r.live()).isEqualTo(V7);
        assertThat(r.candidate()).isNull();
        assertThat(r.previous()).isNull();
    }

    @Test
    void rolloutRecordsRoundTripAndBadOnesAreRefusedWithAReason() {
        final Rollout r = new Rollout("en", V7, V8, RolloutRole.CANARY, 25, ModelRef.parse("imdb-en@6"));
        assertThat(RolloutRecords.decode(RolloutRecords.key("en"), RolloutRecords.encode(r, "canary"))).isEqualTo(r);
        assertThatThrownBy(() -> RolloutRecords.decode("rollout:xx", RolloutRecords.encode(r, "x")))
                .hasMessageContaining("unsupported language 'xx'");
        assertThatThrownBy(() -> RolloutRecords.decode("rollout:ko", RolloutRecords.encode(r, "x")))
                .hasMessageContaining("\"lang\": \"ko\"");
        assertThatThrownBy(() -> RolloutRecords.decode("rollout:en", "{".getBytes()))
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> RolloutRecords.percent(RolloutRole.CANARY, "150"))
                .hasMessageContaining("[0, 100]");
        assertThatThrownBy(() -> RolloutRecords.percent(RolloutRole.CANARY, null))
                .hasMessageContaining(RolloutRecords.PERCENT_HEADER);
        assertThatThrownBy(() -> RolloutRole.of("blue")).hasMessageContaining("unknown role 'blue'");
    }
}
