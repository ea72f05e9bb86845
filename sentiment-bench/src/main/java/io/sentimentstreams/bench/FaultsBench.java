package io.sentimentstreams.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.bundle.BundleArchive;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.Launcher;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.RunDirs;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.trainer.Publisher;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./sentiment bench faults}: streams reviews through the real system while crashing and
 * restarting its parts, then reads every output with {@code read_committed} and counts accepted,
 * labeled, dead-lettered, lost, duplicated and version-mismatched reviews and the longest stall in labeling
 * per scenario. {@code --cluster} runs on three brokers behind fault proxies and adds {@link ClusterFaults}.
 */
public final class FaultsBench implements Command {

    static final List<String> SCENARIOS = java.util.stream.Stream.of(List.of("kill-inference", "kill-preprocess",
            "kill-ingest", "restart-broker", "models", "bad-input"), ScaleFaults.SCENARIOS)
            .flatMap(List::stream).toList();

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("count", "scenarios", "data-dir", "senders", "timeout"),
                Set.of("cluster", "help"));
        if (args.has("help")) {
            out.println("usage: ./sentiment bench faults [--cluster] [--count N] [--scenarios " + String.join(",",
                    SCENARIOS) + "] [--data-dir DIR] [--senders N] [--timeout S]\n"
                    + "  --cluster  3 KRaft brokers, each behind a fault proxy; all scenarios plus "
                    + String.join(",", ClusterFaults.SCENARIOS));
            return 0;
        }
        final int count = args.getInt("count", 20_000);
        final boolean cluster = args.has("cluster");
        final List<String> known = new ArrayList<>(SCENARIOS);
        if (cluster) {
            known.addAll(ClusterFaults.SCENARIOS);
        }
        final List<String> scenarios = List.of(args.get("scenarios", String.join(",", known)).split(","));
        for (final String s : scenarios) {
            if (ClusterFaults.handles(s) && !cluster) {
                throw new UsageException("scenario " + s + " needs --cluster");
            }
            if (!known.contains(s)) {
                throw new UsageException("unknown scenario " + s);
            }
        }
        final Path home = Launcher.home();
        final List<DemoInput> corpus = corpus(Path.of(args.get("data-dir", home.resolve("../shared/data").toString())),
                err);
        final Path runDir = RunDirs.fresh(home, cluster ? "faults-cluster" : "faults");
        final List<ObjectNode> lines = new ArrayList<>();
        // The observer reads past the fault proxies: what it measures is the system's output, not its own network.
        try (Stack stack = new Stack(home, runDir, home.resolve(".sentiment/logs/faults"), err)
                .withBrokers(cluster ? 3 : 1).withFaultProxies(cluster)
                .start(Stack.shippedModels(home), Duration.ofSeconds(180));
             ResultCollector results = new ResultCollector(stack.observerBootstrapServers(),
                     r -> { }, d -> { })) {
            int round = 0;
            for (final String scenario : scenarios) {
                final List<DemoInput> reviews = relabel(DemoInput.take(corpus, count, 100 + round), scenario);
                err.printf("[%s] streaming %d reviews ...%n", scenario, reviews.size());
                final ObjectNode line = runScenario(stack, results, scenario, reviews, args.getInt("senders", 2),
                        args.getInt("timeout", 600), home, runDir, err);
                out.println(Json.write(line));
                out.flush();
                lines.add(line);
                round++;
            }
        }
        final ObjectNode summary = Json.MAPPER.createObjectNode();
        long lost = 0;
        long dup = 0;
        long mismatched = 0;
        long unaccounted = 0;
        for (final ObjectNode l : lines) {
            lost += l.get("lost").asLong();
            dup += l.get("duplicated").asLong();
            mismatched += l.get("mismatched").asLong();
            unaccounted += l.path("malformed_unaccounted").asLong();
        }
        summary.put("brokers", cluster ? 3 : 1);
        summary.put("scenarios", lines.size());
        summary.put("lost", lost);
        summary.put("duplicated", dup);
        summary.put("mismatched", mismatched);
        summary.put("malformed_unaccounted", unaccounted);
        summary.put("ok", lost == 0 && dup == 0 && mismatched == 0 && unaccounted == 0);
        final ObjectNode wrapper = Json.MAPPER.createObjectNode();
        wrapper.set("summary", summary);
        out.println(Json.write(wrapper));
        return summary.get("ok").asBoolean() ? 0 : 1;
    }

    private ObjectNode runScenario(final Stack stack, final ResultCollector results, final String scenario,
                                   final List<DemoInput> reviews, final int senders, final int timeoutSeconds,
                                   final Path home, final Path runDir, final PrintStream err) throws Exception {
        final long t0 = System.nanoTime();
        final Set<String> accepted = ConcurrentHashMap.newKeySet();
        final Map<String, Integer> refused = new ConcurrentHashMap<>();
        final AtomicInteger progress = new AtomicInteger();
        final List<List<DemoInput>> batches = new ArrayList<>();
        for (int i = 0; i < reviews.size(); i += 50) {
            batches.add(reviews.subList(i, Math.min(reviews.size(), i + 50)));
        }
        final AtomicInteger next = new AtomicInteger();
        final long pause = ScaleFaults.senderPauseMillis(scenario, reviews.size(), senders);
        final List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            final Thread t = new Thread(() -> {
                int b;
                while ((b = next.getAndIncrement()) < batches.size()) {
                    final List<DemoInput> batch = batches.get(b);
                    try {
                        final String outcome = new IngestClient(stack.service("ingest-service").baseUrl())
                                .post(batch, "faults");
                        if (outcome == null) {
                            batch.forEach(r -> accepted.add(r.id()));
                        } else {
                            refused.merge(outcome, batch.size(), Integer::sum);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    progress.addAndGet(batch.size());
                    if (pause > 0) {
                        try {
                            TimeUnit.MILLISECONDS.sleep(pause);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }, "sender-" + s);
            t.start();
            threads.add(t);
        }
        final Injected injected = inject(stack, scenario, reviews.size(), progress, home, runDir, err);
        final int malformedSent = injected.malformedSent();
        for (final Thread t : threads) {
            t.join();
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline && (results.settled(accepted) < accepted.size()
                || inboundDeadLetters(results) < malformedSent)) {
            TimeUnit.MILLISECONDS.sleep(250);
        }
        final double longestStall = results.longestStall(t0, System.nanoTime());
        // Let late duplicates, if any, arrive before counting.
        TimeUnit.SECONDS.sleep(3);
        final Map<String, Integer> encoded = ResultCollector.encodedVersions(stack.observerBootstrapServers(),
                scenario + "-");
        long labeled = 0;
        long mismatched = 0;
        final Set<String> dead = new HashSet<>();
        final Map<String, Integer> dlqReasons = new LinkedHashMap<>();
        for (final DeadLetter d : results.deadLetters()) {
            if (d.id() != null && d.id().startsWith(scenario + "-")) {
                dead.add(d.id());
                dlqReasons.merge(d.stage() + ":" + d.reason(), 1, Integer::sum);
            }
        }
        for (final LabeledReview r : results.labeled().values()) {
            if (r.id().startsWith(scenario + "-")) {
                labeled++;
                final Integer v = encoded.get(r.id());
                if (v == null || v != r.modelVersion()) {
                    mismatched++;
                }
            }
        }
        long lost = 0;
        for (final String id : accepted) {
            if (!results.labeled().containsKey(id) && !dead.contains(id)) {
                lost++;
            }
        }
        final long duplicated = results.duplicates().stream().filter(id -> id.startsWith(scenario + "-")).count();
        final ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("scenario", scenario);
        line.put("sent", reviews.size());
        line.put("accepted", accepted.size());
        line.put("labeled", labeled);
        line.put("dlq", dead.size());
        line.put("lost", lost);
        line.put("duplicated", duplicated);
        line.put("mismatched", mismatched);
        line.put("malformed_sent", malformedSent);
        line.put("longest_stall_seconds", longestStall);
        if (pause > 0) {
            // Paced senders post a batch every pause / senders: a stall of about that is no fault's doing.
            line.put("sender_pause_ms", pause);
        }
        final ObjectNode reasons = line.putObject("dlq_reasons");
        dlqReasons.forEach(reasons::put);
        final ObjectNode ref = line.putObject("http_refused");
        refused.forEach(ref::put);
        if (malformedSent > 0) {
            // Only this scenario writes to reviews.inbound without a key, so every ingest dead letter from
            // that topic is one of its payloads; the rest would be malformed input silently dropped.
            final long malformedDead = inboundDeadLetters(results);
            line.put("malformed_dead_lettered", malformedDead);
            line.put("malformed_unaccounted", Math.max(0, malformedSent - malformedDead));
        }
        if (scenario.equals("models")) {
            // The corrupted bundle is published as the newest version: no record may be encoded with it,
            // and both model-consuming services must count a refusal.
            final int corrupted = injected.corruptedVersion();
            line.put("corrupted_version", corrupted);
            final long encodedByNewer = encoded.values().stream().filter(v -> v == corrupted).count();
            line.put("encoded_by_corrupted_version", encodedByNewer);
            final ObjectNode refusedBy = line.putObject("corrupted_bundle_refused_by");
            refusedBy.put("preprocess-service", refusals(stack.service("preprocess-service"),
                    "sentiment_preprocess_models_refused_total"));
            refusedBy.put("inference-service", refusals(stack.service("inference-service"),
                    "sentiment_inference_models_refused_total"));
        }
        if (injected.details() != null) {
            line.setAll(injected.details());
        }
        line.put("seconds", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
        return line;
    }

    /**
     * What a fault left to check: malformed payloads sent, the corrupted bundle's version (-1: none), and
     * fields of its own for the report (what a scale or cluster fault did; or null).
     */
    private record Injected(int malformedSent, int corruptedVersion, ObjectNode details) {

        Injected(final int malformedSent, final int corruptedVersion) {
            this(malformedSent, corruptedVersion, null);
        }
    }

    /** Performs the scenario's fault while the senders run. */
    private static Injected inject(final Stack stack, final String scenario, final int total, final AtomicInteger progress,
                              final Path home, final Path runDir, final PrintStream err) throws Exception {
        if (ScaleFaults.SCENARIOS.contains(scenario)) {
            return new Injected(0, -1, ScaleFaults.inject(stack, scenario, total, progress, err));
        }
        awaitProgress(progress, total / 2);
        final long t0 = System.nanoTime();
        switch (scenario) {
            case "kill-inference" -> stack.restartService("inference-service", true, Duration.ofSeconds(180));
            case "kill-preprocess" -> stack.restartService("preprocess-service", true, Duration.ofSeconds(180));
            case "kill-ingest" -> stack.restartService("ingest-service", true, Duration.ofSeconds(180));
            case "restart-broker" -> stack.restartBroker(false);
            case "models" -> {
                final Path english = home.resolve("models/imdb-en");
                final int version = ModelBundle.load(english).manifest().version() + 100 + (int) (System.nanoTime() % 50);
                Publisher.publish(english, stack.bootstrapServers(), version, false);
                awaitProgress(progress, total * 3 / 4);
                publishCorrupted(stack.bootstrapServers(), ModelBundle.load(english), version + 1);
                err.printf("[%s] fault injected and recovered in %.1f s%n", scenario, (System.nanoTime() - t0) / 1e9);
                return new Injected(0, version + 1);
            }
            case "bad-input" -> {
                return new Injected(sendMalformed(stack.bootstrapServers(), Math.max(100, total / 10)), -1);
            }
            default -> {
                if (!ClusterFaults.handles(scenario)) {
                    throw new IllegalStateException(scenario);
                }
                final ObjectNode fault = Json.MAPPER.createObjectNode();
                fault.set("fault", ClusterFaults.inject(stack, scenario, err));
                err.printf("[%s] fault injected and recovered in %.1f s%n", scenario, (System.nanoTime() - t0) / 1e9);
                return new Injected(0, -1, fault);
            }
        }
        err.printf("[%s] fault injected and recovered in %.1f s%n", scenario, (System.nanoTime() - t0) / 1e9);
        return new Injected(0, -1);
    }

    private static void awaitProgress(final AtomicInteger progress, final int target) throws InterruptedException {
        while (progress.get() < target) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** A record for a newer version whose bytes were damaged in transit: services must refuse it. */
    private static void publishCorrupted(final String bootstrap, final ModelBundle bundle, final int version)
            throws Exception {
        final byte[] archive = BundleArchive.pack(bundle);
        for (int i = archive.length / 3; i < archive.length / 3 + 64 && i < archive.length; i++) {
            archive[i] ^= (byte) 0x5A;
        }
        final Properties props = new Properties();
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(Topics.MODEL_MAX_BYTES));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(2L * Topics.MODEL_MAX_BYTES));
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(
                KafkaClientSettings.forBootstrap(bootstrap), props,
                new org.apache.kafka.common.serialization.StringSerializer(), new ByteArraySerializer())) {
            final ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.MODELS.name(),
                    bundle.manifest().name() + "@" + version, archive);
            record.headers().add(BundleArchive.DIGEST_HEADER, bundle.digest().getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(60, TimeUnit.SECONDS);
        }
    }

    /** Ingest dead letters of reviews.inbound: only the bad-input scenario writes there, so they are its payloads. */
    private static long inboundDeadLetters(final ResultCollector results) {
        return results.deadLetters().stream()
                .filter(d -> d.stage() == Stage.INGEST && Topics.INBOUND.name().equals(d.sourceTopic()))
                .count();
    }

    private static int sendMalformed(final String bootstrap, final int n) throws Exception {
        final Properties props = new Properties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 * 1024 * 1024));
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(
                KafkaClientSettings.forBootstrap(bootstrap), props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (final MalformedInputs.Payload p : MalformedInputs.generate(n, 9L, 100_000, 1000)) {
                producer.send(new ProducerRecord<>(Topics.INBOUND.name(), p.bytes()));
            }
            producer.flush();
        }
        return n;
    }

    private static List<DemoInput> relabel(final List<DemoInput> reviews, final String scenario) {
        final List<DemoInput> out = new ArrayList<>(reviews.size());
        int i = 0;
        for (final DemoInput r : reviews) {
            out.add(new DemoInput(scenario + "-" + (i++), r.text(), r.lang(), r.label()));
        }
        return out;
    }

    /** IMDB and NSMC test reviews mixed, or the built-in sample when the corpora are absent. */
    static List<DemoInput> corpus(final Path dataDir, final PrintStream err) throws Exception {
        final List<DemoInput> all = new ArrayList<>();
        final Path imdb = dataDir.resolve("imdb/test.tsv.gz");
        final Path nsmc = dataDir.resolve("nsmc/test.tsv.gz");
        if (Files.isRegularFile(imdb)) {
            all.addAll(DemoInput.read(imdb));
        }
        if (Files.isRegularFile(nsmc)) {
            all.addAll(DemoInput.read(nsmc));
        }
        if (all.isEmpty()) {
            err.println("corpora not found under " + dataDir + "; using the built-in sample reviews");
            all.addAll(DemoInput.sample());
        }
        Collections.shuffle(all, new java.util.Random(1));
        return all;
    }

    /** Sum of a refusal counter in a service's Prometheus scrape, or -1 when it cannot be read. */
    private static double refusals(final io.sentimentstreams.cli.run.ServiceProcess svc, final String metric) {
        try {
            return MetricsScrape.sum(MetricsScrape.fetch(java.net.http.HttpClient.newHttpClient(), svc.baseUrl()),
                    metric);
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
