package io.sentimentstreams.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.trainer.Publisher;
import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.Digests;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.Launcher;
import io.sentimentstreams.cli.run.RunDirs;
import io.sentimentstreams.cli.run.ServiceProcess;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.broker.BrokerProcess;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.topics.TopicAdmin;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.vocab.KerasTokenizer;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./sentiment bench preprocess}: IMDB test reviews in; reviews/s of the text pipeline alone on one
 * thread, of parse + encode + serialize on one thread, and of the running preprocess-service (one stream
 * thread, {@code exactly_once_v2}, real broker in a child JVM) draining a backlog on {@code reviews.raw},
 * with the service/pipeline ratio (goal: at least 0.7) out, as text and one JSON line.
 *
 * <p>The service rate is measured from the service's own {@code encodedAt} stamps over the backlog after
 * the warm-up records (so start-up, JIT warm-up and the bench's own consumer do not count); the bench JVM
 * only polls {@code /q/metrics} while the service works, and reads the results afterwards. Because wall-clock
 * rates swing with whatever else runs on the machine, it also reports reviews per CPU-second: of the pipeline
 * thread ({@code ThreadMXBean}) and of the whole service JVM ({@code /proc}, all its threads) over the same
 * measured reviews.
 */
public final class PreprocessBench implements Command {

    /** Reviews per CPU-second of the pipeline thread and of the whole service JVM (set by the runs below). */
    private static final double[] PIPELINE_CPU_RATE = new double[1];
    private static final double[] SERVICE_CPU_RATE = new double[1];


    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("count", "warmup", "model", "data-dir", "repeats"), Set.of("help",
                "pipeline-only"));
        if (args.has("help")) {
            out.println("usage: ./sentiment bench preprocess [--count N (default 90000)] [--warmup N (default 60000)]"
                    + " [--model DIR (default models/imdb-en, else a vocabulary fitted on IMDB train)]"
                    + " [--data-dir DIR] [--repeats R (pipeline runs, default 3)] [--pipeline-only]");
            return 0;
        }
        final Path home = Launcher.home();
        // A fresh Quarkus JVM keeps its C2 compiler thread busy for 30 s and more; a short warm-up measured
        // the JIT, not the service (0.24x with 3,000 warm-up records, 0.37x with 60,000, same build).
        // 30,000 measured reviews lasted about 3 s of service time, short enough for one slow second of this
        // shared host to move the figure by a third; 90,000 last 6-12 s.
        final int count = args.getInt("count", 90_000);
        final int warmup = args.getInt("warmup", 60_000);
        final int repeats = args.getInt("repeats", 3);
        final Path data = Path.of(args.get("data-dir", home.resolve("../shared/data").toString()));
        final Path runDir = RunDirs.fresh(home, "bench-preprocess");
        Files.createDirectories(runDir);

        final Path imdbTest = data.resolve("imdb/test.tsv.gz");
        final List<DemoInput> corpus = Files.isRegularFile(imdbTest) ? DemoInput.read(imdbTest) : DemoInput.sample();
        final List<DemoInput> reviews = DemoInput.take(corpus, warmup + count, 42);
        err.printf("corpus: %s (%d reviews, %d used: %d warm-up + %d measured)%n",
                Files.isRegularFile(imdbTest) ? imdbTest : "built-in sample", corpus.size(), reviews.size(), warmup,
                count);

        final ModelBundle bundle = bundle(args.get("model", null), home, data, runDir, err);
        final TextPipeline pipeline = TextPipeline.of(bundle.manifest().pipeline(),
                Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY), bundle.manifest().pipeline().oovToken()));
        err.printf("model: %s (%s, tokenizer %s, maxlen %d)%n", bundle.manifest().ref(), bundle.dir(),
                pipeline.config().tokenizer(), pipeline.config().maxlen());

        final ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("bench", "preprocess");
        report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
                + ", Java " + System.getProperty("java.version"));
        report.put("model", bundle.manifest().ref().toString());
        report.put("count", count);
        report.put("warmup", warmup);
        report.put("load_average_before", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        final List<String> texts = reviews.stream().map(DemoInput::text).toList();
        final double pipelineRate = pipelineRate(pipeline, texts, warmup, repeats, err);
        report.put("pipeline_reviews_per_s", round(pipelineRate));
        final List<byte[]> raw = new ArrayList<>(reviews.size());
        final Instant received = Instant.now();
        for (int i = 0; i < reviews.size(); i++) {
            raw.add(Json.writeBytes(Review.of("bench-" + i, reviews.get(i).text(), null, "bench", received, Map.of())));
        }
        final double fullRate = parseEncodeSerializeRate(pipeline, bundle, raw, warmup, repeats, err);
        report.put("parse_encode_serialize_reviews_per_s", round(fullRate));

        if (!args.has("pipeline-only")) {
            final double serviceRate = serviceRate(home, runDir, bundle, raw, warmup, count, err, report);
            report.put("service_reviews_per_s", round(serviceRate));
            report.put("ratio_service_to_pipeline", Math.round(serviceRate / pipelineRate * 1000) / 1000.0);
            report.put("pipeline_reviews_per_cpu_s", round(PIPELINE_CPU_RATE[0]));
            report.put("service_reviews_per_cpu_s", round(SERVICE_CPU_RATE[0]));
            report.put("ratio_cpu_service_to_pipeline",
                    Math.round(SERVICE_CPU_RATE[0] / PIPELINE_CPU_RATE[0] * 1000) / 1000.0);
            out.printf("text pipeline alone, 1 thread      : %,10.0f reviews/s%n", pipelineRate);
            out.printf("parse+encode+serialize, 1 thread   : %,10.0f reviews/s (%.2f x pipeline)%n", fullRate,
                    fullRate / pipelineRate);
            out.printf("preprocess-service, 1 stream thread: %,10.0f reviews/s (%.2f x pipeline; goal >= 0.70)%n",
                    serviceRate, serviceRate / pipelineRate);
            out.printf("per CPU-second: pipeline thread %,.0f, whole service JVM %,.0f reviews (%.2f x)%n",
                    PIPELINE_CPU_RATE[0], SERVICE_CPU_RATE[0], SERVICE_CPU_RATE[0] / PIPELINE_CPU_RATE[0]);
            if (report.has("commit_share_of_stream_thread")) {
                out.printf("exactly-once commits: %d, %.1f ms each, %.1f us per review = %.0f%% of the stream thread%n",
                        report.get("commits_measured").asLong(), report.get("commit_ms_avg").asDouble(),
                        report.get("commit_us_per_review").asDouble(),
                        100 * report.get("commit_share_of_stream_thread").asDouble());
            }
        } else {
            out.printf("text pipeline alone, 1 thread      : %,10.0f reviews/s%n", pipelineRate);
            out.printf("parse+encode+serialize, 1 thread   : %,10.0f reviews/s (%.2f x pipeline)%n", fullRate,
                    fullRate / pipelineRate);
        }
        report.put("load_average_after", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.println(Json.write(report));
        return 0;
    }

    /** Median reviews/s of {@code repeats} timed passes of encode over the measured texts, after a warm-up pass. */
    private static double pipelineRate(final TextPipeline pipeline, final List<String> texts, final int warmup,
                                       final int repeats, final PrintStream err) {
        long sink = 0;
        for (int i = 0; i < Math.max(warmup, 1000) && i < texts.size(); i++) {
            sink += pipeline.encode(texts.get(i)).tokenCount();
        }
        final double[] rates = new double[repeats];
        final double[] cpuRates = new double[repeats];
        final List<String> measured = texts.subList(warmup, texts.size());
        final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < repeats; r++) {
            final long t0 = System.nanoTime();
            final long c0 = threads.getCurrentThreadCpuTime();
            for (final String t : measured) {
                sink += pipeline.encode(t).tokenCount();
            }
            rates[r] = measured.size() / ((System.nanoTime() - t0) / 1e9);
            cpuRates[r] = measured.size() / ((threads.getCurrentThreadCpuTime() - c0) / 1e9);
            err.printf("pipeline pass %d: %.0f reviews/s wall, %.0f reviews per CPU-second%n", r + 1, rates[r],
                    cpuRates[r]);
        }
        PIPELINE_CPU_RATE[0] = median(cpuRates);
        if (sink == 42) {
            err.println();
        }
        return median(rates);
    }

    /** The same, but the work of the processor per record: parse the Review JSON, encode, write EncodedReview. */
    private static double parseEncodeSerializeRate(final TextPipeline pipeline, final ModelBundle bundle,
                                                   final List<byte[]> raw, final int warmup, final int repeats,
                                                   final PrintStream err) throws IOException {
        long sink = 0;
        final double[] rates = new double[repeats];
        for (int r = -1; r < repeats; r++) {
            final List<byte[]> batch = r < 0 ? raw.subList(0, Math.max(1, warmup)) : raw.subList(warmup, raw.size());
            final long t0 = System.nanoTime();
            for (final byte[] bytes : batch) {
                final Review review = Json.MAPPER.readValue(bytes, Review.class);
                final var e = pipeline.encode(review.text());
                sink += Json.writeBytes(new EncodedReview(EncodedReview.SCHEMA, review.id(), review.text(), Lang.EN,
                        review.source(), review.receivedAt(), review.attributes(), bundle.manifest().name(),
                        bundle.manifest().version(), e.ids(), e.tokenCount(), e.oovCount(), Instant.now())).length;
            }
            if (r >= 0) {
                rates[r] = batch.size() / ((System.nanoTime() - t0) / 1e9);
                err.printf("parse+encode+serialize pass %d: %.0f reviews/s%n", r + 1, rates[r]);
            }
        }
        if (sink == 42) {
            err.println();
        }
        return median(rates);
    }

    /** Backlog on reviews.raw, then the service started on it; rate from its encodedAt stamps after the warm-up. */
    private static double serviceRate(final Path home, final Path runDir, final ModelBundle bundle,
                                      final List<byte[]> raw, final int warmup, final int count,
                                      final PrintStream err, final ObjectNode report) throws Exception {
        ServiceProcess.runJar(home, "preprocess-service");
        report.put("same_text_pipeline_build", sameCoreJar(home, err));
        err.println("starting the Kafka broker (child JVM)...");
        try (BrokerProcess broker = BrokerProcess.start(BrokerProcess.Options.defaults(runDir.resolve("kafka"))
                .withPort(0))) {
            final String bootstrap = broker.bootstrapServers();
            TopicAdmin.createAll(bootstrap, (short) 1);
            Publisher.publish(bundle.dir(), bootstrap, null, false);
            produceBacklog(bootstrap, raw, err);
            final Path workDir = runDir.resolve("preprocess-service");
            final Map<String, String> env = new LinkedHashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("QUARKUS_KAFKA_STREAMS_BOOTSTRAP_SERVERS", bootstrap);
            env.put("KAFKA_STREAMS_STATE_DIR", workDir.resolve("streams-state").toString());
            env.put("SENTIMENT_MODEL_CACHE_DIR", workDir.resolve("model-cache").toString());
            final long started = System.nanoTime();
            final List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-Djava.io.tmpdir=" + Files.createDirectories(workDir)));
            // For profiling the service, e.g. "-XX:StartFlightRecording=filename=/tmp/pre.jfr,settings=profile".
            final String extra = System.getenv("SENTIMENT_BENCH_SERVICE_JAVA_OPTS");
            if (extra != null && !extra.isBlank()) {
                jvm.addAll(Arrays.asList(extra.trim().split("\\s+")));
            }
            try (ServiceProcess svc = ServiceProcess.start(home, "preprocess-service", BrokerProcess.freePort(), env,
                    jvm,
                    home.resolve(".sentiment/logs/bench-preprocess"))) {
                err.printf("preprocess-service pid %d, log %s%n", svc.pid(), svc.log());
                svc.awaitReady(Duration.ofSeconds(180));
                awaitEncoded(svc, warmup, raw.size(), Duration.ofMinutes(30), workDir, err);
                report.put("service_wall_s_including_startup", round((System.nanoTime() - started) / 1e9));
            }
            final long[] encodedAt = readEncodedAt(bootstrap, raw.size());
            Arrays.sort(encodedAt);
            final double seconds = (encodedAt[encodedAt.length - 1] - encodedAt[warmup]) / 1e6;
            report.put("service_measured_s", round(seconds));
            err.printf("service: %d reviews after the warm-up encoded in %.2f s (encodedAt span)%n", count - 1, seconds);
            commitShare(workDir, seconds * 1e6 / (count - 1), report);
            return (count - 1) / seconds;
        }
    }

    /**
     * How much of the stream thread's time went into exactly-once commits (producer flush, offsets sent to the
     * transaction, commit) between the two metric scrapes; commits only happen while records flow, so the idle
     * second after the last record does not dilute it.
     */
    private static void commitShare(final Path metricsDir, final double wallMicrosPerReview, final ObjectNode report)
            throws IOException {
        final String warm = Files.readString(metricsDir.resolve("metrics-after-warmup.txt"));
        final String end = Files.readString(metricsDir.resolve("metrics-at-end.txt"));
        final double records = delta(warm, end, "kafka_stream_thread_process_total");
        final double commits = delta(warm, end, "kafka_stream_thread_commit_total");
        final double commitNanos = delta(warm, end, "kafka_producer_flush_time_ns_total")
                + delta(warm, end, "kafka_producer_txn_send_offsets_time_ns_total")
                + delta(warm, end, "kafka_producer_txn_commit_time_ns_total");
        if (records <= 0 || commits <= 0) {
            return;
        }
        final double perReview = commitNanos / 1e3 / records;
        report.put("commits_measured", (long) commits);
        report.put("commit_ms_avg", round(commitNanos / 1e6 / commits));
        report.put("commit_us_per_review", round(perReview));
        report.put("commit_share_of_stream_thread", Math.round(perReview / wallMicrosPerReview * 1000) / 1000.0);
    }

    private static double delta(final String before, final String after, final String metric) {
        return MetricsScrape.sum(after, metric) - MetricsScrape.sum(before, metric);
    }

    private static void produceBacklog(final String bootstrap, final List<byte[]> raw, final PrintStream err)
            throws Exception {
        final Properties p = new Properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000");
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(KafkaClientSettings.forBootstrap(bootstrap), p,
                new StringSerializer(),
                new ByteArraySerializer())) {
            final List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sends =
                    new ArrayList<>(raw.size());
            for (int i = 0; i < raw.size(); i++) {
                sends.add(producer.send(new ProducerRecord<>(Topics.RAW.name(), "bench-" + i, raw.get(i))));
            }
            producer.flush();
            // Every send is checked: a lost record would leave the bench waiting for a review that never came.
            for (final var send : sends) {
                send.get(10, TimeUnit.MINUTES);
            }
        }
        err.printf("backlog: %d reviews on %s (all acknowledged)%n", raw.size(), Topics.RAW.name());
    }

    /** Polls the service's record counter (cheap for the bench JVM) until every review is encoded. */
    private static void awaitEncoded(final ServiceProcess svc, final int warmup, final int expected,
                                     final Duration timeout, final Path metricsDir, final PrintStream err)
            throws IOException, InterruptedException {
        double warmDone = -1;
        double warmCpu = 0;
        final HttpClient http = HttpClient.newHttpClient();
        final long deadline = System.nanoTime() + timeout.toNanos();
        double done = 0;
        long lastReport = System.nanoTime();
        while (System.nanoTime() < deadline) {
            final String body = MetricsScrape.fetch(http, svc.baseUrl());
            done = MetricsScrape.sum(body, "sentiment_preprocess_records_total");
            if (warmDone < 0 && done >= warmup) {
                Files.writeString(metricsDir.resolve("metrics-after-warmup.txt"), body);
                warmDone = done;
                warmCpu = ProcessStats.of(svc.pid()).cpuSeconds();
            }
            if (done >= expected) {
                Files.writeString(metricsDir.resolve("metrics-at-end.txt"), body);
                final double cpu = ProcessStats.of(svc.pid()).cpuSeconds() - warmCpu;
                SERVICE_CPU_RATE[0] = (done - warmDone) / cpu;
                err.printf("service: %.0f reviews after the warm-up used %.1f CPU-seconds of the service JVM%n",
                        done - warmDone, cpu);
                return;
            }
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                err.printf("encoded %,.0f / %,d%n", done, expected);
                lastReport = System.nanoTime();
            }
            TimeUnit.SECONDS.sleep(1);
        }
        throw new IOException("only " + done + " of " + expected + " reviews encoded within " + timeout
                + " (reviews in the DLQ? see " + svc.log() + ")");
    }

    /** The encodedAt stamps (microseconds) of all encoded reviews, read committed after the service is done. */
    private static long[] readEncodedAt(final String bootstrap, final int expected) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final long[] out = new long[expected];
        int n = 0;
        try (KafkaConsumer<String, byte[]> c = KafkaClients.consumer(KafkaClientSettings.forBootstrap(bootstrap), p,
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = c.partitionsFor(Topics.ENCODED.name()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (n < expected && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    final EncodedReview e = Topics.ENCODED.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (n < expected) {
                        out[n++] = TimeUnit.SECONDS.toMicros(e.encodedAt().getEpochSecond())
                                + e.encodedAt().getNano() / 1000;
                    }
                }
            }
        }
        if (n < expected) {
            throw new IllegalStateException("read " + n + " of " + expected + " encoded reviews");
        }
        return out;
    }

    /**
     * The bundle to encode with: {@code --model DIR}, else the shipped {@code models/imdb-en}, else one built
     * here (English defaults, a Keras vocabulary fitted on 5,000 IMDB train reviews, a placeholder network,
     * which preprocess never loads), said so on stderr.
     */
    private static ModelBundle bundle(final String model, final Path home, final Path data, final Path runDir,
                                      final PrintStream err) throws IOException, BundleException {
        if (model != null) {
            return ModelBundle.load(Path.of(model));
        }
        final Path shipped = home.resolve("models/imdb-en");
        if (Files.isRegularFile(shipped.resolve(BundleManifest.FILE))) {
            return ModelBundle.load(shipped);
        }
        final Path train = data.resolve("imdb/train.tsv.gz");
        final List<DemoInput> fit = Files.isRegularFile(train)
                ? DemoInput.take(DemoInput.read(train), 5000, 7) : DemoInput.sample();
        err.printf("no models/imdb-en: building a bench bundle (English defaults, vocabulary fitted on %d reviews)%n",
                fit.size());
        final PipelineConfig config = PipelineConfig.englishDefaults();
        final TextPipeline tokenizer = TextPipeline.of(config);
        final KerasTokenizer keras = new KerasTokenizer(KerasTokenizer.Options.defaults()
                .withOovToken(config.oovToken()).withFilters("").withLower(false));
        keras.fitOnTokenLists(fit.stream().map(r -> tokenizer.tokenize(r.text())).toList());
        final Vocabulary vocab = keras.vocabulary();
        final Path dir = Files.createDirectories(runDir.resolve("bench-bundle"));
        vocab.writeTsv(dir.resolve(BundleManifest.VOCABULARY));
        Files.write(dir.resolve(BundleManifest.NETWORK), "placeholder: preprocess never loads the network"
                .getBytes(StandardCharsets.UTF_8));
        final Map<String, String> files = new LinkedHashMap<>();
        files.put(BundleManifest.NETWORK, Digests.sha256(dir.resolve(BundleManifest.NETWORK)));
        files.put(BundleManifest.VOCABULARY, Digests.sha256(dir.resolve(BundleManifest.VOCABULARY)));
        final BundleManifest manifest = new BundleManifest(BundleManifest.SCHEMA, "bench-en", 1, Lang.EN, Instant.now(),
                config, new Architecture("embedding-dense", config.numWords(), 8, 0, Pooling.MEAN, 0, null, "softmax2",
                false, config.maxlen()), 0.5, files, List.of(), null, null);
        Files.write(dir.resolve(BundleManifest.FILE), Json.writeBytes(manifest));
        return ModelBundle.load(dir);
    }

    /**
     * Whether the service was packaged with the same sentiment-core jar (text pipeline) this JVM encodes with;
     * a stale service build once made the ratio meaningless, so a mismatch is reported loudly.
     */
    private static boolean sameCoreJar(final Path home, final PrintStream err) throws IOException {
        final Path lib = home.resolve("preprocess-service/target/quarkus-app/lib/main");
        final Path ours = Path.of(TextPipeline.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        try (var files = Files.list(lib)) {
            final Path theirs = files.filter(f -> f.getFileName().toString().contains("sentiment-core")).findFirst()
                    .orElse(null);
            final boolean same = theirs != null && Files.isRegularFile(ours)
                    && Digests.sha256(theirs).equals(Digests.sha256(ours));
            if (!same) {
                err.printf("WARNING: preprocess-service was packaged with another sentiment-core (%s) than this bench "
                        + "uses (%s): rebuild it (./mvnw -pl preprocess-service -DskipTests package) for a fair "
                        + "comparison%n", theirs, ours);
            }
            return same;
        }
    }

    private static double median(final double[] values) {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double round(final double v) {
        return Math.round(v * 100) / 100.0;
    }
}
