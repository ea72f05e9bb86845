package io.sentimentstreams.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.DemoCommand;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.Launcher;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.RunDirs;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.cli.run.StageLatencies;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.topics.Topics;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./sentiment bench e2e}: drives the running system with IMDB test reviews over HTTP and,
 * separately, straight into {@code reviews.inbound}: first flat out (the sustained maximum), then
 * paced at 25/50/90% of it for latency percentiles and per-process CPU and memory; side by side
 * with Kafka's own producer/consumer perf tools moving the same payloads through one topic. In the same run
 * it measures what a review cannot cost less than (Kafka's relay, the served model's text pipeline and
 * scoring), the efficiency that leaves for each channel, and the served model's accuracy on the labeled
 * results. Each step also reports its per-stage latencies ({@code stages}: the hop histograms of
 * inference-service's {@code /q/metrics}, scraped before and after the step).
 */
public final class EndToEndBench implements Command {

    private static final java.net.http.HttpClient METRICS_HTTP = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("count", "warmup", "seconds", "soak-minutes", "senders", "data-dir",
                        "channels", "served-batch", "otlp"),
                Set.of("help", "skip-perf-tools"));
        if (args.has("help")) {
            out.println("usage: ./sentiment bench e2e [--count N (max-rate run, default 20000)] "
                    + "[--warmup N (default 30000, half per channel)] [--seconds S (each paced step, default 30)]"
                    + " [--soak-minutes M (default 0; over HTTP at 50 % of its maximum)] [--senders N]"
                    + " [--channels http,inbound] [--skip-perf-tools] [--served-batch 128] [--otlp URL|sink]");
            out.println("  each step reports stages: per hop (ingest_to_raw, raw_to_encoded, encoded_to_labeled) p50/p99/mean"
                    + " from inference-service's sentiment_inference_hop_seconds, scraped before and after the step.");
            out.println("  --otlp: tracing on in every service, exporting to URL, or to an in-process sink that only counts"
                    + " (sink: the cost of tracing without a collector's); off without it, as in ./sentiment up.");
            out.println("  also reports irreducible_us (Kafka's 4-hop relay: plain clients beside the perf tools, the served model's text"
                    + " pipeline and its scoring at --served-batch, inference-service's batch.max-size), efficiency"
                    + " per channel = their sum / the system's CPU per review (all four processes), and the accuracy"
                    + " of each model on the run's labeled results.");
            return 0;
        }
        final Path home = Launcher.home();
        final int count = args.getInt("count", 20_000);
        // Freshly started Quarkus JVMs keep compiling for tens of thousands of records (see the preprocess
        // bench); 2,000 warm-up reviews left the first measured run (HTTP, max) at a third of its speed.
        final int warmup = args.getInt("warmup", 30_000);
        final int stepSeconds = args.getInt("seconds", 30);
        final int senders = args.getInt("senders", 4);
        final int servedBatch = args.getInt("served-batch", Irreducible.SERVED_BATCH);
        final Path data = Path.of(args.get("data-dir", home.resolve("../shared/data").toString()));
        final Path imdb = data.resolve("imdb/test.tsv.gz");
        final List<DemoInput> corpus = Files.isRegularFile(imdb) ? DemoInput.read(imdb) : DemoInput.sample();
        final ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name"));
        final String otlp = args.get("otlp", null);
        report.put("tracing", otlp == null ? "off" : otlp);
        try (OtlpSink sink = "sink".equals(otlp) ? OtlpSink.start() : null;
             Stack stack = new Stack(home, RunDirs.fresh(home, "e2e"), home.resolve(".sentiment/logs/e2e"), err)
                     .withOtlp(sink != null ? sink.url() : otlp).start(Stack.shippedModels(home), Duration.ofSeconds(180));
             Reader results = new Reader(stack.bootstrapServers())) {
            final AtomicInteger ids = new AtomicInteger();
            // Warm-up: JIT and the engines' first batches should not count.
            drive(stack, results, corpus, warmup / 2, 0, senders, "http", ids, err);
            drive(stack, results, corpus, warmup - warmup / 2, 0, senders, "inbound", ids, err);
            final List<String> channels = List.of(args.get("channels", "http,inbound").split(","));
            for (final String channel : channels) {
                if (!channel.equals("http") && !channel.equals("inbound")) {
                    throw new IllegalArgumentException("--channels takes http and/or inbound, got " + channel);
                }
            }
            for (final String channel : channels) {
                final ObjectNode ch = report.putObject(channel);
                final Step max = drive(stack, results, corpus, count, 0, senders, channel, ids, err);
                ch.set("max", max.json());
                for (final double f : new double[] {0.25, 0.5, 0.9}) {
                    final int rate = (int) Math.max(1, max.labeledPerSecond() * f);
                    final Step paced = drive(stack, results, corpus, rate * stepSeconds, rate, senders, channel, ids,
                            err);
                    ch.set("at_" + Math.round(f * 100) + "pct", paced.json());
                }
            }
            if (args.getInt("soak-minutes", 0) > 0 && report.has("http")) {
                report.set("soak", soak(stack, results, corpus, report.get("http").get("max").get("labeled_per_s")
                        .asDouble() * 0.5, args.getInt("soak-minutes", 0), senders, ids, err));
            }
            Double relayUs = null;
            if (!args.has("skip-perf-tools")) {
                report.set("kafka_perf_tools", perfTools(stack, corpus, count, home, err));
                final var relay = report.get("kafka_perf_tools").get("relay_cpu_us_per_record_4_hops");
                relayUs = relay == null || relay.isNull() ? null : relay.asDouble();
                final double broker = report.get("kafka_perf_tools").path("producer_records_per_s").asDouble();
                if (broker > 0 && report.has("http") && report.has("inbound")) {
                    report.put("http_vs_broker_producer", round(report.get("http").get("max").get("labeled_per_s")
                            .asDouble() / broker, 4));
                    report.put("inbound_vs_broker_producer", round(report.get("inbound").get("max")
                            .get("labeled_per_s").asDouble() / broker, 4));
                }
            }
            final ObjectNode accuracy = results.accuracy();
            report.set("accuracy", accuracy);
            if (sink != null) {
                report.put("otlp_sink_requests", sink.requests());
                report.put("otlp_sink_bytes", sink.bytes());
            }
            report.set("accuracy_reviews", results.accuracyCounts());
            final String served = results.mostFrequentModel();
            final ObjectNode irreducible = report.putObject("irreducible_us");
            irreducible.put("relay", relayUs == null ? null : round(relayUs, 1));
            final Path bundleDir = served == null ? null : Stack.shippedModels(home).stream()
                    .filter(d -> d.getFileName().toString().equals(served)).findFirst().orElse(null);
            irreducible.putNull("text");
            irreducible.putNull("scoring");
            if (bundleDir != null) {
                try {
                    final Irreducible.Costs c = Irreducible.measure(bundleDir, corpus, servedBatch, err);
                    irreducible.put("text", round(c.textUs(), 1));
                    irreducible.put("scoring", round(c.scoringUs(), 1));
                    irreducible.put("model", served);
                    irreducible.put("served_batch", servedBatch);
                    irreducible.put("scoring_engine", c.engine());
                } catch (Exception e) {
                    // The run's other figures are still worth printing; the report says what is missing.
                    irreducible.put("error", e.toString());
                    err.println("  irreducible costs not measured: " + e);
                }
            } else {
                irreducible.put("error", "no shipped bundle named after the model that labeled the results");
            }
            final ObjectNode efficiency = report.putObject("efficiency");
            for (final String channel : List.of("http", "inbound")) {
                efficiency.put(channel, efficiency(relayUs,
                        irreducible.get("text").isNull() ? null : irreducible.get("text").asDouble(),
                        irreducible.get("scoring").isNull() ? null : irreducible.get("scoring").asDouble(),
                        report.path(channel).path("max").path("cpu_us_per_review").asDouble(0)));
            }
            err.printf("  irreducible per review: relay %s us, text %s us, scoring %s us; efficiency %s; accuracy %s%n",
                    irreducible.get("relay"), irreducible.get("text"), irreducible.get("scoring"), efficiency,
                    accuracy);
        }
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        return 0;
    }

    /** One load step: what was sent, how fast it was labeled, latencies and process stats. */
    record Step(int sent, double seconds, double labeledPerSecond, long p50, long p95, long p99,
                Map<String, String> processes, double cpuUsPerReview, ObjectNode stages) {

        ObjectNode json() {
            final ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("sent", sent);
            o.put("seconds", round(seconds, 2));
            o.put("labeled_per_s", round(labeledPerSecond, 1));
            o.put("p50_ms", p50);
            o.put("p95_ms", p95);
            o.put("p99_ms", p99);
            // CPU of the four processes of the system (the broker included, this load generator not).
            o.put("cpu_us_per_review", round(cpuUsPerReview, 1));
            final ObjectNode p = o.putObject("processes");
            processes.forEach(p::put);
            o.set("stages", stages);
            return o;
        }
    }

    private static Step drive(final Stack stack, final Reader results, final List<DemoInput> corpus,
                              final int n, final int ratePerSecond, final int senders, final String channel,
                              final AtomicInteger ids, final PrintStream err) throws Exception {
        final String prefix = "e2e-" + ids.incrementAndGet() + "-";
        final List<DemoInput> reviews = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final DemoInput r = corpus.get((ids.get() * 7919 + i) % corpus.size());
            reviews.add(new DemoInput(prefix + i, r.text(), r.lang(), r.label()));
            if (r.label() != null) {
                results.expect(prefix + i, r.label());
            }
        }
        final Map<Long, ProcessStats> before = stats(stack);
        final StageLatencies stagesBefore = stageLatencies(stack);
        final long t0 = System.nanoTime();
        if (channel.equals("http")) {
            sendHttp(stack, reviews, ratePerSecond, senders, t0);
        } else {
            sendInbound(stack, reviews, ratePerSecond, t0);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && results.count(prefix) < n) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        final double seconds = (System.nanoTime() - t0) / 1e9;
        final List<Long> lat = new ArrayList<>();
        for (final LabeledReview r : results.labeled().values()) {
            if (r.id().startsWith(prefix)) {
                lat.add(Duration.between(r.receivedAt(), r.labeledAt()).toMillis());
            }
        }
        lat.sort(Long::compare);
        final StageLatencies stages = stepStages(stack, stagesBefore, lat.size());
        final Map<String, String> procs = new TreeMap<>();
        final Map<Long, ProcessStats> after = stats(stack);
        for (final String s : Stack.SERVICES) {
            procs.put(s, describe(before.get(stack.service(s).pid()), after.get(stack.service(s).pid()), seconds));
        }
        procs.put("kafka-broker", describe(before.get(stack.broker().pid()), after.get(stack.broker().pid()), seconds));
        double cpu = 0;
        for (final Map.Entry<Long, ProcessStats> e : after.entrySet()) {
            cpu += e.getValue().cpuSeconds() - before.get(e.getKey()).cpuSeconds();
        }
        final Step step = new Step(n, seconds, lat.size() / seconds, DemoCommand.percentile(lat, 0.5),
                DemoCommand.percentile(lat, 0.95), DemoCommand.percentile(lat, 0.99), procs,
                lat.isEmpty() ? 0 : cpu * 1e6 / lat.size(), stagesJson(stages));
        err.printf("  %-7s rate %-6s -> %d labeled in %.1f s = %.0f/s, p50 %d ms p99 %d ms%n", channel,
                ratePerSecond == 0 ? "max" : String.valueOf(ratePerSecond), lat.size(), seconds,
                step.labeledPerSecond(), step.p50(), step.p99());
        err.printf("          stages: %s%n", stages);
        return step;
    }

    /** inference-service's hop and end-to-end histograms now; empty when the scrape fails (the step still counts). */
    private static StageLatencies stageLatencies(final Stack stack) {
        try {
            return StageLatencies.parse(MetricsScrape.fetch(METRICS_HTTP, stack.service("inference-service").baseUrl()));
        } catch (java.io.IOException e) {
            return StageLatencies.parse("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return StageLatencies.parse("");
        }
    }

    /**
     * The hops of this step's records: the scrape after minus the one before. The service records its meters just
     * after a commit, when the bench may already have read the results, so the scrape is retried (up to 5 s) until
     * the end-to-end count covers every labeled review of the step.
     */
    private static StageLatencies stepStages(final Stack stack, final StageLatencies before, final int labeled)
            throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        StageLatencies step = stageLatencies(stack).minus(before);
        while (step.endToEnd().count() < labeled && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
            step = stageLatencies(stack).minus(before);
        }
        return step;
    }

    /** Per hop p50/p99/mean in ms and the sample count, and the hops' mean sum beside the end-to-end mean. */
    static ObjectNode stagesJson(final StageLatencies stages) {
        final ObjectNode o = Json.MAPPER.createObjectNode();
        stages.hops().forEach((hop, h) -> {
            final ObjectNode one = o.putObject(hop);
            one.put("count", (long) h.count());
            putMs(one, "p50_ms", h.quantile(0.5));
            putMs(one, "p99_ms", h.quantile(0.99));
            putMs(one, "mean_ms", h.mean());
        });
        final StageLatencies.Histogram e2e = stages.endToEnd();
        putMs(o, "e2e_mean_ms", e2e.mean());
        putMs(o, "hops_mean_sum_ms", e2e.count() == 0 ? Double.NaN : stages.hopSumSeconds() / e2e.count());
        return o;
    }

    private static void putMs(final ObjectNode o, final String key, final double seconds) {
        if (Double.isNaN(seconds)) {
            o.putNull(key);
        } else {
            o.put(key, round(seconds * 1000, 2));
        }
    }

    private static Map<Long, ProcessStats> stats(final Stack stack) {
        final Map<Long, ProcessStats> m = new java.util.HashMap<>();
        for (final String s : Stack.SERVICES) {
            m.put(stack.service(s).pid(), ProcessStats.of(stack.service(s).pid()));
        }
        m.put(stack.broker().pid(), ProcessStats.of(stack.broker().pid()));
        return m;
    }

    private static String describe(final ProcessStats before, final ProcessStats after, final double seconds) {
        return String.format("cpu %.0f%%, rss %d MB", 100 * (after.cpuSeconds() - before.cpuSeconds()) / seconds,
                after.rssMb());
    }

    /**
     * The output reader of one run: every labeled review, plus a count per step prefix kept as records
     * arrive (scanning every id read so far each 50 ms cost the bench JVM a growing share of the CPU the
     * system under test shares with it).
     */
    static final class Reader implements AutoCloseable {
        private final Map<String, AtomicInteger> perStep = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, Integer> expected = new java.util.concurrent.ConcurrentHashMap<>();
        private final ResultCollector collector;

        Reader(final String bootstrap) {
            this.collector = new ResultCollector(bootstrap,
                    r -> perStep.computeIfAbsent(step(r.id()), k -> new AtomicInteger()).incrementAndGet(), d -> { });
        }

        Map<String, LabeledReview> labeled() {
            return collector.labeled();
        }

        /** The corpus label (1 positive, 0 negative) of a review this run sends. */
        void expect(final String id, final int label) {
            expected.put(id, label);
        }

        /** Per model name: the share of its labeled results whose label is the corpus label. */
        ObjectNode accuracy() {
            final ObjectNode o = Json.MAPPER.createObjectNode();
            tally().forEach((model, t) -> o.put(model, round((double) t[0] / t[1], 4)));
            return o;
        }

        /** Per model name: how many labeled results with a corpus label the accuracy is taken over. */
        ObjectNode accuracyCounts() {
            final ObjectNode o = Json.MAPPER.createObjectNode();
            tally().forEach((model, t) -> o.put(model, t[1]));
            return o;
        }

        String mostFrequentModel() {
            return tally().entrySet().stream().max(java.util.Comparator.comparingLong(e -> e.getValue()[1]))
                    .map(Map.Entry::getKey).orElse(null);
        }

        private Map<String, long[]> tally() {
            return EndToEndBench.tally(labeled().values(), expected);
        }

        int count(final String prefix) {
            final AtomicInteger n = perStep.get(prefix);
            return n == null ? 0 : n.get();
        }

        @Override
        public void close() throws InterruptedException {
            collector.close();
        }
    }

    /**
     * Model name → {correct, total} over the labeled results that have a corpus label (1 positive, 0
     * negative); results without one (another run's, or a corpus without labels) are left out.
     */
    static Map<String, long[]> tally(final java.util.Collection<LabeledReview> labeled,
            final Map<String, Integer> expected) {
        final Map<String, long[]> t = new TreeMap<>();
        for (final LabeledReview r : labeled) {
            final Integer want = expected.get(r.id());
            if (want == null) {
                continue;
            }
            final long[] c = t.computeIfAbsent(r.model(), k -> new long[2]);
            c[1]++;
            if ((r.label() == io.sentimentstreams.contracts.Label.POSITIVE ? 1 : 0) == want) {
                c[0]++;
            }
        }
        return t;
    }

    /**
     * (relay + text + scoring) ÷ the system's CPU per review, all in µs; null when a part was not measured.
     */
    static Double efficiency(final Double relayUs, final Double textUs, final Double scoringUs,
            final double systemUs) {
        if (relayUs == null || textUs == null || scoringUs == null || systemUs <= 0) {
            return null;
        }
        return round((relayUs + textUs + scoringUs) / systemUs, 3);
    }

    /** {@code e2e-N-i} → {@code e2e-N-}. */
    static String step(final String id) {
        final int dash = id.indexOf('-', id.indexOf('-') + 1);
        return dash < 0 ? id : id.substring(0, dash + 1);
    }

    private static void sendHttp(final Stack stack, final List<DemoInput> reviews, final int rate, final int senders,
                                 final long t0) throws InterruptedException {
        final int batch = 50;
        final AtomicInteger next = new AtomicInteger();
        final List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            final Thread t = new Thread(() -> {
                final IngestClient client = new IngestClient(stack.service("ingest-service").baseUrl());
                int start;
                while ((start = next.getAndAdd(batch)) < reviews.size()) {
                    try {
                        pace(start, rate, t0);
                        client.post(reviews.subList(start, Math.min(reviews.size(), start + batch)), "bench");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (final Thread t : threads) {
            t.join();
        }
    }

    private static void sendInbound(final Stack stack, final List<DemoInput> reviews, final int rate, final long t0)
            throws Exception {
        final Properties props = new Properties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(
                KafkaClientSettings.forBootstrap(stack.bootstrapServers()), props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < reviews.size(); i++) {
                pace(i, rate, t0);
                final DemoInput r = reviews.get(i);
                final ObjectNode o = Json.MAPPER.createObjectNode();
                o.put("id", r.id());
                o.put("text", r.text());
                producer.send(new ProducerRecord<>(Topics.INBOUND.name(), r.id().getBytes(StandardCharsets.UTF_8),
                        Json.writeBytes(o)));
            }
            producer.flush();
        }
    }

    /** Sleeps until item {@code i} is due at {@code rate} items/s since {@code t0}; rate 0 = no pacing. */
    private static void pace(final int i, final int rate, final long t0) throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        final long due = t0 + (long) (i * 1e9 / rate);
        final long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    /**
     * The soak: one-minute steps at {@code rate} over HTTP. Judged as the issue asks: resident memory of each
     * process must not grow after the first (warm-up) minute, reported as a least-squares slope in MB per
     * minute over the later minutes, and every minute's p99 must stay within 2x of the first minute's.
     */
    private static ObjectNode soak(final Stack stack, final Reader results, final List<DemoInput> corpus,
                                   final double rate, final int minutes, final int senders, final AtomicInteger ids,
                                   final PrintStream err) throws Exception {
        final ObjectNode soak = Json.MAPPER.createObjectNode();
        soak.put("rate", Math.round(rate));
        final ArrayNode perMinute = soak.putArray("minutes");
        final Map<String, List<Long>> rss = new TreeMap<>();
        final List<Long> p99 = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            final Step s = drive(stack, results, corpus, (int) (rate * 60), (int) rate, senders, "http", ids, err);
            final ObjectNode o = s.json();
            o.put("minute", m + 1);
            perMinute.add(o);
            p99.add(s.p99());
            for (final String svc : Stack.SERVICES) {
                rss.computeIfAbsent(svc, k -> new ArrayList<>()).add(ProcessStats.of(stack.service(svc).pid()).rssMb());
            }
            rss.computeIfAbsent("kafka-broker", k -> new ArrayList<>()).add(ProcessStats.of(stack.broker().pid()).rssMb());
        }
        final ObjectNode memory = soak.putObject("rss");
        boolean flat = true;
        for (final Map.Entry<String, List<Long>> e : rss.entrySet()) {
            final ObjectNode proc = memory.putObject(e.getKey());
            final ArrayNode series = proc.putArray("mb_per_minute");
            e.getValue().forEach(series::add);
            final List<Long> later = e.getValue().subList(Math.min(1, e.getValue().size()), e.getValue().size());
            final double slope = slope(later);
            proc.put("slope_mb_per_min_after_minute_1", round(slope, 2));
            proc.put("max_mb", e.getValue().stream().mapToLong(Long::longValue).max().orElse(0));
            // Growth of under 1 MB a minute (or 1 % of the footprint over the soak) is noise from GC timing.
            final boolean grows = later.size() >= 3 && slope * later.size() > Math.max(10, later.get(0) * 0.01);
            proc.put("grows", grows);
            flat &= !grows;
        }
        final long first = p99.isEmpty() ? 0 : p99.get(0);
        final long worst = p99.stream().mapToLong(Long::longValue).max().orElse(0);
        soak.put("p99_first_minute_ms", first);
        soak.put("p99_worst_minute_ms", worst);
        soak.put("p99_within_2x_of_first", worst <= 2 * first);
        soak.put("rss_flat_after_warmup", flat);
        err.printf("  soak: %d min at %.0f/s, p99 first %d ms, worst %d ms; rss flat: %s%n", minutes, rate, first,
                worst, flat);
        return soak;
    }

    /** Least-squares slope of {@code y} against 0, 1, 2, ... (per step); 0 for fewer than two points. */
    static double slope(final List<Long> y) {
        final int n = y.size();
        if (n < 2) {
            return 0;
        }
        double sx = 0;
        double sy = 0;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sx += i;
            sy += y.get(i);
            sxy += (double) i * y.get(i);
            sxx += (double) i * i;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    /** Kafka's own perf tools on the same broker and payloads: the ceiling the pipeline is compared to. */
    private static ObjectNode perfTools(final Stack stack, final List<DemoInput> corpus, final int n, final Path home,
                                        final PrintStream err) throws Exception {
        final Path payloads = Files.createTempFile("e2e-payloads", ".txt");
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < Math.min(corpus.size(), 5000); i++) {
            final ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("id", "perf-" + i);
            o.put("text", corpus.get(i).text());
            lines.add(Json.write(o));
        }
        Files.write(payloads, lines);
        final String topic = Topics.RAW.name(); // a real 6-partition topic of the catalogue, unread by anyone now
        final String cp = brokerClasspath();
        final ObjectNode o = Json.MAPPER.createObjectNode();
        final String prod = runTool(cp, "org.apache.kafka.tools.ProducerPerformance", List.of("--topic", "perf-ceiling",
                "--num-records", String.valueOf(n), "--payload-file", payloads.toString(), "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + stack.bootstrapServers(), "acks=all"), stack, true);
        o.put("producer_output", lastLine(prod));
        final Matcher pm = Pattern.compile("([0-9.]+) records/sec").matcher(lastLine(prod));
        if (pm.find()) {
            o.put("producer_records_per_s", Double.parseDouble(pm.group(1)));
        }
        final String cons = runTool(cp, "org.apache.kafka.tools.ConsumerPerformance", List.of("--bootstrap-server",
                stack.bootstrapServers(), "--topic", "perf-ceiling", "--messages", String.valueOf(n)), stack, false);
        o.put("consumer_output", lastLine(cons));
        // At least 20,000 records: with fewer, the idle correction and the clock ticks (10 ms) dominate.
        final double[] relay = relay(stack, lines, Math.max(n, 20_000));
        o.put("produce_cpu_us_per_record", round(relay[0], 1));
        o.put("consume_cpu_us_per_record", round(relay[1], 1));
        // Four hops: reviews.raw, reviews.encoded, reviews.labeled and the input or the per-label copy.
        o.put("relay_cpu_us_per_record_4_hops", round(4 * (relay[0] + relay[1]), 1));
        err.printf("  kafka relay: produce %.1f us, consume %.1f us of CPU per record (clients + broker)%n",
                relay[0], relay[1]);        o.put("note", "payloads: the first 5,000 IMDB test reviews as ingest JSON; topic " + topic
                + " layout is not used: perf-ceiling has 6 partitions like the review topics");
        Files.deleteIfExists(payloads);
        return o;
    }

    /**
     * CPU µs per record to produce (acks=all, the producer's defaults, as the perf tool runs it) and to
     * consume the same payloads through a 6-partition topic of the same broker: the broker's CPU plus this
     * JVM's, less what the two use idle (the services' polls and the broker's housekeeping, measured just
     * before over two seconds). The perf tools' own CPU cannot be told apart from their JVM's start (a
     * second or more against tens of milliseconds of relay work), so their clients' work is redone here in a
     * warm JVM: a quarter of the records produced first as warm-up, and the topic read once unmeasured.
     */
    static double[] relay(final Stack stack, final List<String> payloads, final int n) throws Exception {
        final String topic = "perf-relay";
        try (var admin = KafkaClients.admin(KafkaClientSettings.forBootstrap(stack.bootstrapServers()), Map.of())) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 6, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        final byte[][] values = new byte[payloads.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = payloads.get(i).getBytes(StandardCharsets.UTF_8);
        }
        final int warm = Math.max(1, n / 4);
        final double idle = idleCpuPerSecond(stack);
        final Properties pp = new Properties();
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        final double produce;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(
                KafkaClientSettings.forBootstrap(stack.bootstrapServers()), pp, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            send(producer, topic, values, 0, warm);
            final double c0 = cpuSeconds(stack);
            final long t0 = System.nanoTime();
            send(producer, topic, values, warm, warm + n);
            produce = busy(cpuSeconds(stack) - c0, idle, t0) * 1e6 / n;
        }
        readAll(stack, topic, warm + n);
        final double c0 = cpuSeconds(stack);
        final long t0 = System.nanoTime();
        final long read = readAll(stack, topic, warm + n);
        final double consume = read == 0 ? 0 : busy(cpuSeconds(stack) - c0, idle, t0) * 1e6 / read;
        return new double[] {produce, consume};
    }

    /** CPU seconds used since t0 beyond the idle rate, never below zero. */
    private static double busy(final double cpu, final double idlePerSecond, final long t0) {
        return Math.max(0, cpu - idlePerSecond * (System.nanoTime() - t0) / 1e9);
    }

    private static double idleCpuPerSecond(final Stack stack) throws InterruptedException {
        final double c0 = cpuSeconds(stack);
        final long t0 = System.nanoTime();
        TimeUnit.SECONDS.sleep(2);
        return (cpuSeconds(stack) - c0) / ((System.nanoTime() - t0) / 1e9);
    }

    /** Reads the 6 partitions of {@code topic} from the start until {@code n} records (or 5 minutes). */
    private static long readAll(final Stack stack, final String topic, final long n) {
        try (var consumer = KafkaClients.consumer(KafkaClientSettings.forBootstrap(stack.bootstrapServers()), Map.of(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            final List<org.apache.kafka.common.TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                parts.add(new org.apache.kafka.common.TopicPartition(topic, i));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long read = 0;
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (read < n && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            return read;
        }
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final String topic, final byte[][] values,
            final int from, final int to) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, null, values[i % values.length]));
        }
        producer.flush();
    }

    /** CPU seconds of the broker and of this JVM. */
    private static double cpuSeconds(final Stack stack) {
        return ProcessStats.of(stack.broker().pid()).cpuSeconds()
                + ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static String brokerClasspath() throws Exception {
        try (InputStream in = EndToEndBench.class.getResourceAsStream("/sentiment/broker-classpath.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static String runTool(final String cp, final String main, final List<String> args, final Stack stack,
                                  final boolean createTopic) throws Exception {
        if (createTopic) {
            try (var admin = KafkaClients.admin(KafkaClientSettings.forBootstrap(stack.bootstrapServers()),
                    Map.of())) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("perf-ceiling", 6, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // exists from an earlier step
            }
        }
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-cp", cp, main));
        cmd.addAll(args);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                sb.append(line).append('\n');
            }
        }
        p.waitFor(10, TimeUnit.MINUTES);
        return sb.toString();
    }

    private static String lastLine(final String s) {
        final String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }

    private static double round(final double v, final int digits) {
        final double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
