package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.ServiceProcess;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.contracts.LabeledReview;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances that come and go under load: while reviews stream over HTTP, a second instance of preprocess and
 * of inference joins (own identity, port, state and log), and once both are ready they are killed (SIGKILL)
 * with the stream still running. Every accepted review is labeled exactly once (read_committed) by the model
 * version that encoded it, with no restart by hand.
 */
class ScaleOutAndKillEndToEndTest {

    private static final int BATCH = 10;
    /** Reviews sent after the kills, flat out. */
    private static final int AFTER_KILL = 300;
    private static final Duration READY = Duration.ofSeconds(600);

    @TempDir
    Path tmp;

    @Test
    void reviewsStreamedThroughAScaleOutAndAKilledNewInstanceAreLabeledOnceEach() throws Exception {
        final Path home = Repo.home();
        final Path imdb = Repo.data().resolve("imdb/test.tsv.gz");
        final List<DemoInput> corpus = Files.isRegularFile(imdb) ? DemoInput.read(imdb) : DemoInput.sample();
        final List<DemoInput> source = DemoInput.take(corpus, 2000, 24);
        final Set<String> accepted = ConcurrentHashMap.newKeySet();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicBoolean paced = new AtomicBoolean(true);
        final AtomicInteger last = new AtomicInteger(Integer.MAX_VALUE);
        final AtomicReference<String> refused = new AtomicReference<>();
        try (PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress)
                     .start(Stack.shippedModels(home), Duration.ofSeconds(180));
             ResultCollector results = new ResultCollector(stack.bootstrapServers(), r -> { }, d -> { })) {
            final IngestClient client = new IngestClient(stack.service("ingest-service").baseUrl());
            // Paced (about 20 reviews/s) until the kills, so the scaling happens mid-stream; then flat out.
            final Thread sender = new Thread(() -> {
                try {
                    for (int i = 0; i < last.get(); i += BATCH) {
                        final List<DemoInput> batch = new ArrayList<>(BATCH);
                        for (int j = i; j < i + BATCH; j++) {
                            final DemoInput r = source.get(j % source.size());
                            batch.add(new DemoInput("scale-" + j, r.text(), r.lang(), r.label()));
                        }
                        final String outcome = client.post(batch, "e2e-scale");
                        if (outcome == null) {
                            batch.forEach(r -> accepted.add(r.id()));
                        } else {
                            refused.compareAndSet(null, outcome);
                        }
                        sent.addAndGet(batch.size());
                        if (paced.get()) {
                            TimeUnit.MILLISECONDS.sleep(500);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "e2e-scale-sender");
            sender.start();
            await().atMost(READY).until(() -> results.labeled().size() >= 100);

            final ServiceProcess preprocess2 = stack.addInstance("preprocess-service", READY);
            final ServiceProcess inference2 = stack.addInstance("inference-service", READY);
            assertThat(stack.instances("inference-service")).hasSize(2);
            assertThat(inference2.instance()).isEqualTo("inference-service-2");
            assertThat(inference2.log()).exists().isNotEqualTo(stack.service("inference-service").log());
            final int labeledBeforeKill = results.labeled().size();
            assertThat(sender.isAlive()).as("the stream outlasts the scale-out").isTrue();

            stack.stopInstance(inference2, true);
            stack.stopInstance(preprocess2, true);
            last.set(sent.get() + AFTER_KILL);
            paced.set(false);
            sender.join();
            assertThat(refused.get()).as("ingest refused a batch").isNull();
            assertThat(accepted).hasSize(sent.get());
            await().atMost(READY).pollInterval(Duration.ofMillis(500))
                    .until(() -> results.settled(accepted) == accepted.size());
            // Room for a late duplicate to show before counting.
            TimeUnit.SECONDS.sleep(3);

            assertThat(results.labeled().size()).isGreaterThan(labeledBeforeKill);
            assertThat(results.deadLetters()).as("dead letters").isEmpty();
            assertThat(results.labeled().keySet()).as("lost").containsAll(accepted);
            assertThat(results.duplicates()).as("labeled more than once").isEmpty();
            final Map<String, Integer> encoded = ResultCollector.encodedVersions(stack.bootstrapServers(), "scale-");
            for (final String id : accepted) {
                final LabeledReview r = results.labeled().get(id);
                assertThat(encoded.get(id)).as("version that encoded %s", id).isEqualTo(r.modelVersion());
            }
            assertThat(stack.service("inference-service").isAlive()).isTrue();
            assertThat(stack.service("preprocess-service").isAlive()).isTrue();
        }
    }
}
