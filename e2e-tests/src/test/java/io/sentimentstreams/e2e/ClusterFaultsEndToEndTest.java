package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentimentstreams.broker.BrokerFaults;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.topics.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system on a 3-node KRaft cluster with a fault proxy in front of each broker: 300 reviews stream over HTTP
 * while the broker leading most pipeline partitions is killed with {@code kill -9} (and started again), then 300
 * more while the services' network to every broker stalls completely. Every review is labeled exactly once
 * ({@code read_committed}), by the model version that encoded it, and no service is restarted.
 */
class ClusterFaultsEndToEndTest {

    private static final int REVIEWS = 300;

    @TempDir
    Path tmp;

    @Test
    void leaderKillAndATotalNetworkStallLoseDuplicateAndMismatchNothing() throws Exception {
        final Path home = Repo.home();
        try (PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress)
                     .withBrokers(3).withFaultProxies(true)
                     .start(Stack.shippedModels(home), Duration.ofSeconds(240));
             ResultCollector results = new ResultCollector(stack.observerBootstrapServers(), r -> { }, d -> { })) {
            final Map<String, Long> pids = new HashMap<>();
            Stack.SERVICES.forEach(m -> pids.put(m, stack.service(m).pid()));

            final AtomicReference<BrokerFaults.Killed> killed = new AtomicReference<>();
            streamThrough(stack, results, "kill", () -> killed.set(BrokerFaults.killLeader(stack.cluster(),
                    List.of(Topics.RAW.name(), Topics.ENCODED.name(), Topics.LABELED.name()), Duration.ofSeconds(5))));
            assertThat(killed.get().leaderships()).as("the killed node led pipeline partitions").isPositive();

            streamThrough(stack, results, "stall",
                    () -> BrokerFaults.stall(stack.cluster().proxies(), Duration.ofSeconds(10)));

            for (final String module : Stack.SERVICES) {
                assertThat(stack.service(module).isAlive()).as(module + " alive").isTrue();
                assertThat(stack.service(module).pid()).as(module + " never restarted").isEqualTo(pids.get(module));
            }
            assertThat(results.unreadable()).isEmpty();
        }
    }

    @FunctionalInterface
    private interface Fault {
        void inject() throws Exception;
    }

    /**
     * Sends {@link #REVIEWS} reviews in batches of 10 (a refused batch is retried, as a client would), injects the
     * fault once a third is accepted, and checks the outcome: all labeled, none twice, none by another version.
     */
    private static void streamThrough(final Stack stack, final ResultCollector results, final String prefix,
                                      final Fault fault) throws Exception {
        final List<DemoInput> reviews = new ArrayList<>();
        int i = 0;
        for (final DemoInput r : DemoInput.take(DemoInput.sample(), REVIEWS, prefix.hashCode())) {
            reviews.add(new DemoInput(prefix + "-" + (i++), r.text(), r.lang(), r.label()));
        }
        final Set<String> accepted = ConcurrentHashMap.newKeySet();
        final AtomicInteger refusals = new AtomicInteger();
        final Thread sender = new Thread(() -> {
            final IngestClient client = new IngestClient(stack.service("ingest-service").baseUrl());
            try {
                for (int b = 0; b < reviews.size(); b += 10) {
                    final List<DemoInput> batch = reviews.subList(b, Math.min(reviews.size(), b + 10));
                    while (client.post(batch, "e2e-cluster") != null) {
                        refusals.incrementAndGet();
                        TimeUnit.MILLISECONDS.sleep(500);
                    }
                    batch.forEach(r -> accepted.add(r.id()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sender-" + prefix);
        sender.start();
        await().atMost(Duration.ofSeconds(120)).until(() -> accepted.size() >= REVIEWS / 3);
        fault.inject();
        sender.join(TimeUnit.MINUTES.toMillis(3));
        assertThat(accepted).as(prefix + ": every review accepted (refused batches retried: " + refusals + ")")
                .hasSize(REVIEWS);

        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> results.settled(accepted) == accepted.size());
        final Map<String, Integer> encoded = ResultCollector.encodedVersions(stack.observerBootstrapServers(),
                prefix + "-");
        final List<String> lost = new ArrayList<>();
        final List<String> mismatched = new ArrayList<>();
        for (final String id : accepted) {
            final LabeledReview r = results.labeled().get(id);
            if (r == null) {
                lost.add(id);
            } else if (!Integer.valueOf(r.modelVersion()).equals(encoded.get(id))) {
                mismatched.add(id + " labeled by v" + r.modelVersion() + ", encoded by v" + encoded.get(id));
            }
        }
        assertThat(lost).as(prefix + ": lost (dead-lettered instead of labeled)").isEmpty();
        assertThat(mismatched).as(prefix + ": mismatched").isEmpty();
        assertThat(results.duplicates().stream().filter(id -> id.startsWith(prefix + "-")).toList())
                .as(prefix + ": labeled more than once").isEmpty();
    }
}
