package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.model.PublishCommand;
import io.sentimentstreams.cli.model.RolloutCommand;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.ShadowResult;
import io.sentimentstreams.rollout.CanaryBucket;
import io.sentimentstreams.topics.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * English reviews stream over HTTP without a pause while the next version of the English model goes through
 * shadow, canary 50 %, promote and rollback with the CLI commands an operator runs. Every review is labeled
 * exactly once, by the version that encoded it; every shadow score comes from the shadow version that encoded
 * it and sits beside the live label; canary labels go to ids in the canary's buckets only.
 */
class ShadowCanaryRolloutEndToEndTest {

    private static final String PREFIX = "rollout-";

    @TempDir
    Path tmp;

    @Test
    void shadowCanaryPromoteRollbackUnderLoadLoseDuplicateAndMismatchNothing() throws Exception {
        final Path home = Repo.home();
        final Path english = home.resolve("models/imdb-en");
        final int live = ModelBundle.load(english).manifest().version();
        final int next = live + 1;
        try (PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress)
                     .start(Stack.shippedModels(home), Duration.ofSeconds(180));
             ResultCollector results = new ResultCollector(stack.bootstrapServers(), r -> { }, d -> { })) {
            final String b = stack.bootstrapServers();
            final Set<String> accepted = ConcurrentHashMap.newKeySet();
            final AtomicBoolean sending = new AtomicBoolean(true);
            final AtomicInteger refusals = new AtomicInteger();
            final List<DemoInput> texts = DemoInput.sample().stream().filter(r -> r.id().startsWith("demo-en-")).toList();
            final Thread sender = new Thread(() -> {
                final IngestClient client = new IngestClient(stack.service("ingest-service").baseUrl());
                int n = 0;
                try {
                    while (sending.get()) {
                        final List<DemoInput> batch = new ArrayList<>();
                        for (int k = 0; k < 10; k++, n++) {
                            final DemoInput r = texts.get(n % texts.size());
                            batch.add(new DemoInput(PREFIX + n, r.text(), r.lang(), r.label()));
                        }
                        while (client.post(batch, "e2e-rollout") != null) {
                            refusals.incrementAndGet();
                            TimeUnit.MILLISECONDS.sleep(200);
                        }
                        batch.forEach(r -> accepted.add(r.id()));
                        TimeUnit.MILLISECONDS.sleep(50);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "rollout-sender");
            sender.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> results.labeled().size() >= 100);

            // Shadow: the next version beside the live one.
            assertThat(cli(new PublishCommand(), "--role", "shadow", english.toString(), "--bootstrap", b,
                    "--version", Integer.toString(next))).isZero();
            final int shadowFrom = accepted.size();
            await().atMost(Duration.ofSeconds(120)).until(() -> labeledAfter(results, shadowFrom) > 200);

            // Canary: the bundle is on the topic already, so this is one rollout record.
            assertThat(cli(new PublishCommand(), "--role", "canary", "--percent", "50", english.toString(),
                    "--bootstrap", b, "--version", Integer.toString(next))).isZero();
            await().atMost(Duration.ofSeconds(120)).until(() -> results.labeled().values().stream()
                    .filter(r -> EncodedReview.ROUTE_CANARY.equals(r.route())).count() >= 100);

            assertThat(cli(new RolloutCommand(), "--lang", "en", "--bootstrap", b)).isZero();
            await().atMost(Duration.ofSeconds(120)).until(() -> results.labeled().values().stream()
                    .filter(r -> r.modelVersion() == next && EncodedReview.ROUTE_LIVE.equals(r.route())).count() >= 100);

            assertThat(cli(new RolloutCommand.Rollback(), "--lang", "en", "--bootstrap", b)).isZero();
            final int rolledBackFrom = accepted.size();
            await().atMost(Duration.ofSeconds(120)).until(() -> labeledAfter(results, rolledBackFrom + 300) > 100);
            sending.set(false);
            sender.join(TimeUnit.MINUTES.toMillis(1));

            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                    .until(() -> results.settled(accepted) == accepted.size());
            final Map<String, List<EncodedReview>> encoded = ResultCollector.records(b, Topics.ENCODED, PREFIX);
            final Map<String, List<ShadowResult>> shadows = ResultCollector.records(b, Topics.SHADOW, PREFIX);
            final List<String> lost = new ArrayList<>();
            final List<String> mismatched = new ArrayList<>();
            final List<String> strayCanary = new ArrayList<>();
            for (final String id : accepted) {
                final LabeledReview r = results.labeled().get(id);
                final EncodedReview e = encoded.containsKey(id) ? encoded.get(id).get(0) : null;
                if (r == null || e == null) {
                    lost.add(id);
                    continue;
                }
                if (r.modelVersion() != e.modelVersion() || !r.route().equals(e.routeOrLive())) {
                    mismatched.add(id + " labeled by v" + r.modelVersion() + " " + r.route() + ", encoded by v"
                            + e.modelVersion() + " " + e.routeOrLive());
                }
                if (EncodedReview.ROUTE_CANARY.equals(r.route())
                        && (!CanaryBucket.inCanary(id, 50) || r.modelVersion() != next)) {
                    strayCanary.add(id + " (bucket " + CanaryBucket.of(id) + ", v" + r.modelVersion() + ")");
                }
                final List<ShadowResult> s = shadows.get(id);
                if (e.shadow() != null) {
                    if (s == null || s.size() != 1 || s.get(0).shadowVersion() != e.shadow().modelVersion()
                            || s.get(0).liveVersion() != r.modelVersion() || s.get(0).liveScore() != r.score()) {
                        mismatched.add(id + " shadow " + s + " for encoded shadow v" + e.shadow().modelVersion());
                    }
                } else if (s != null) {
                    mismatched.add(id + " has a shadow result but no shadow encoding");
                }
            }
            assertThat(lost).as("lost (dead-lettered or never labeled)").isEmpty();
            assertThat(results.duplicates()).as("labeled more than once").isEmpty();
            assertThat(encoded.values()).as("encoded more than once").allSatisfy(l -> assertThat(l).hasSize(1));
            assertThat(mismatched).as("mismatched").isEmpty();
            assertThat(strayCanary).as("canary labels outside the canary's ids").isEmpty();
            assertThat(shadows).as("shadow results").isNotEmpty();
            final List<LabeledReview> all = List.copyOf(results.labeled().values());
            assertThat(all).extracting(LabeledReview::modelVersion).contains(live, next);
            assertThat(all).filteredOn(r -> EncodedReview.ROUTE_LIVE.equals(r.route()) && r.modelVersion() == live
                    && CanaryBucket.inCanary(r.id(), 50)).as("canary-bucket ids labeled live by v%d", live).isNotEmpty();
            assertThat(all).filteredOn(r -> seq(r.id()) >= rolledBackFrom + 300).as("labels well after the rollback")
                    .isNotEmpty().allSatisfy(r -> assertThat(r.modelVersion()).isEqualTo(live));
            assertThat(results.unreadable()).isEmpty();
            progress.println("rollout e2e: " + accepted.size() + " reviews, " + shadows.size() + " shadow results, "
                    + all.stream().filter(r -> EncodedReview.ROUTE_CANARY.equals(r.route())).count()
                    + " canary labels, " + refusals.get() + " refused batches retried");
        }
    }

    /** Labeled reviews among those with a sequence number of at least {@code from}. */
    private static long labeledAfter(final ResultCollector results, final int from) {
        return results.labeled().keySet().stream()
                .filter(id -> seq(id) >= from).count();
    }

    private static int seq(final String id) {
        return Integer.parseInt(id.substring(PREFIX.length()));
    }

    private static int cli(final io.sentimentstreams.cli.Command command, final String... argv) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = command.run(List.of(argv), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        System.err.println("sentiment " + String.join(" ", argv) + " -> " + code + ": " + out.toString(StandardCharsets.UTF_8)
                + err.toString(StandardCharsets.UTF_8));
        return code;
    }
}
