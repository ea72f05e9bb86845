package io.sentimentstreams.inference;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.contracts.EncodedReview;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.inference.loop.BatchScorer;
import io.sentimentstreams.inference.loop.InferenceWorker;
import io.sentimentstreams.inference.metrics.InferenceMetrics;
import io.sentimentstreams.inference.model.ModelRegistry;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.testkit.TestBroker;
import io.sentimentstreams.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Measures the loop (real child-JVM broker, transactions, fast engine on the default shape: 20k x 64
 * embedding, BiLSTM 64, T=200, random weights) for batch-size / max-wait choices; prints one JSON line
 * per run. Not a test: it asserts nothing and runs only with {@code -Dsentiment.bench=true}:
 * {@code mvn -B -o -pl inference-service test -Dtest=InferenceLoopBench -Dsentiment.bench=true}.
 */
class InferenceLoopBench {

    private static final int BACKLOG = Integer.getInteger("bench.backlog", 5_000);
    private static final int RATE_SECONDS = Integer.getInteger("bench.rate.seconds", 5);

    @Test
    void run() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("sentiment.bench"), "benchmark: run with -Dsentiment.bench=true");
        final String bootstrap = TestBroker.bootstrapServers();
        final Path tmp = Files.createTempDirectory("inference-bench");
        final Architecture arch = new Architecture("bilstm", 20_000, 64, 64, Pooling.MAX, 0, null, "softmax2", true, 200);
        final ModelBundle bundle = TestBundles.write(tmp, "bench-en", 1, 7, TestBundles.pipeline(20_000, 200), arch,
                arch, 19_999);
        // A short canary: the default 256 DL4J rows at T=200 take minutes on a loaded 2-core machine.
        final int[][] canary = java.util.Arrays.copyOf(rows(16, 200), 16);
        final ModelRegistry registry = new ModelRegistry(b -> Engines.load(b, EngineChoice.FAST, canary), 3,
                tmp.resolve("cache"), new InferenceMetrics(new SimpleMeterRegistry()));
        registry.offer("bench-en@1", TestBundles.archive(bundle), bundle.digest());
        registry.markCaughtUp();
        System.out.println("engine: " + registry.snapshot().loaded());
        final int[][] rows = rows(4096, 200);
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (final String size : System.getProperty("bench.sizes", "16,32,64,128,256").split(",")) {
                backlog(bootstrap, producer, registry, rows, Integer.parseInt(size.trim()), Duration.ofMillis(10));
            }
            for (final String rate : System.getProperty("bench.rates", "500,2000,5000").split(",")) {
                for (final String cfg : System.getProperty("bench.paced", "16:0,32:5,64:10,128:10,256:20").split(",")) {
                    final String[] sw = cfg.trim().split(":");
                    paced(bootstrap, producer, registry, rows, Integer.parseInt(sw[0]),
                            Duration.ofMillis(Integer.parseInt(sw[1])), Integer.parseInt(rate.trim()));
                }
            }
        }
    }

    /** Throughput: N records already waiting, one worker drains them. */
    private static void backlog(final String bootstrap, final KafkaProducer<String, byte[]> producer,
                                final ModelRegistry registry, final int[][] rows, final int size, final Duration wait)
            throws Exception {
        final String group = "bench-" + UUID.randomUUID();
        startAtEnd(bootstrap, group);
        for (int i = 0; i < BACKLOG; i++) {
            send(producer, rows[i % rows.length], "b" + i);
        }
        producer.flush();
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final InferenceMetrics metrics = new InferenceMetrics(meters);
        final long start = System.nanoTime();
        final InferenceWorker worker = start(bootstrap, registry, metrics, group, size, wait);
        awaitLabeled(meters, BACKLOG, TimeUnit.MINUTES.toNanos(5));
        final double seconds = (System.nanoTime() - start) / 1e9;
        worker.stop();
        report("backlog", size, wait, 0, BACKLOG / seconds, meters);
    }

    /** Latency: records arrive at a fixed rate while the worker keeps up. */
    private static void paced(final String bootstrap, final KafkaProducer<String, byte[]> producer,
                              final ModelRegistry registry, final int[][] rows, final int size, final Duration wait,
                              final int rate) throws Exception {
        final String group = "bench-" + UUID.randomUUID();
        startAtEnd(bootstrap, group);
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final InferenceMetrics metrics = new InferenceMetrics(meters);
        final InferenceWorker worker = start(bootstrap, registry, metrics, group, size, wait);
        // Let the worker join the group before the clock starts.
        Thread.sleep(3000);
        final int total = rate * RATE_SECONDS;
        final long start = System.nanoTime();
        // Sends whatever is due, then sleeps about a millisecond: a spinning pacer would take a whole core
        // from the worker on this 2-core machine.
        for (int i = 0; i < total; ) {
            final long due = (long) ((System.nanoTime() - start) * (double) rate / 1e9);
            for (; i < total && i <= due; i++) {
                send(producer, rows[i % rows.length], "p" + i);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
        }
        producer.flush();
        awaitLabeled(meters, total, TimeUnit.MINUTES.toNanos(5));
        final double seconds = (System.nanoTime() - start) / 1e9;
        worker.stop();
        report("paced", size, wait, rate, total / seconds, meters);
    }

    private static InferenceWorker start(final String bootstrap, final ModelRegistry registry,
                                         final InferenceMetrics metrics, final String group, final int size,
                                         final Duration wait) {
        final InferenceWorker worker = new InferenceWorker(Map.of("bootstrap.servers", bootstrap),
                new InferenceWorker.Settings(group, group + "-tx", size, wait, Duration.ofMillis(100),
                        Duration.ofSeconds(30)),
                new BatchScorer(registry, Duration.ofSeconds(5), metrics), registry, metrics);
        final Thread t = new Thread(worker, "bench-worker");
        t.setDaemon(true);
        t.start();
        return worker;
    }

    private static void awaitLabeled(final SimpleMeterRegistry meters, final int n, final long timeoutNanos)
            throws InterruptedException {
        final long deadline = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < deadline) {
            final double done = meters.find("sentiment.inference.predictions").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            if (done >= n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("not all " + n + " records labeled in time");
    }

    private static void report(final String mode, final int size, final Duration wait, final int rate,
                               final double perSecond, final SimpleMeterRegistry meters) {
        final Timer batch = meters.find("sentiment.inference.batch.latency").timer();
        final Timer e2e = meters.find("sentiment.inference.e2e.latency").timer();
        final var sizes = meters.find("sentiment.inference.batch.size").summary();
        final Timer scoring = meters.find("sentiment.inference.review.scoring.time").timer();
        final String line = String.format(Locale.ROOT, "{\"mode\":\"%s\",\"max_size\":%d,\"max_wait_ms\":%d,\"rate\":%d,"
                        + "\"labeled_per_s\":%.0f,\"batches\":%d,\"mean_batch\":%.1f,"
                        + "\"batch_ms_p50\":%.2f,\"batch_ms_p99\":%.2f,\"scoring_us_per_review\":%.1f,"
                        + "\"e2e_ms_p50\":%.2f,\"e2e_ms_p99\":%.2f}%n",
                mode, size, wait.toMillis(), rate, perSecond, sizes.count(), sizes.mean(),
                pct(batch, 0.5), pct(batch, 0.99), scoring.mean(TimeUnit.MICROSECONDS), pct(e2e, 0.5), pct(e2e, 0.99));
        System.out.print(line);
        // Client logs share stdout and can split a line; the file keeps each result whole.
        try {
            Files.writeString(Path.of("target/inference-loop-bench.jsonl"), line,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double pct(final Timer t, final double p) {
        final HistogramSnapshot s = t.takeSnapshot();
        for (final ValueAtPercentile v : s.percentileValues()) {
            if (v.percentile() == p) {
                return v.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    /** Lengths like IMDB after truncation to 200: most reviews fill all steps, the rest spread below. */
    private static int[][] rows(final int n, final int maxlen) {
        final SplittableRandom r = new SplittableRandom(3);
        final int[][] rows = new int[n][maxlen];
        for (int i = 0; i < n; i++) {
            final int len = r.nextInt(100) < 60 ? maxlen : 20 + r.nextInt(maxlen - 20);
            for (int k = maxlen - len; k < maxlen; k++) {
                rows[i][k] = 1 + r.nextInt(19_999);
            }
        }
        return rows;
    }

    private static void send(final KafkaProducer<String, byte[]> producer, final int[] ids, final String id) {
        int tokens = 0;
        for (final int x : ids) {
            tokens += x != 0 ? 1 : 0;
        }
        final EncodedReview e = new EncodedReview(EncodedReview.SCHEMA, id, "bench review " + id, Lang.EN, "bench",
                Instant.now(), Map.of(), "bench-en", 1, ids, tokens, 0, Instant.now());
        producer.send(new ProducerRecord<>(Topics.ENCODED.name(), id,
                Topics.ENCODED.valueSerde().serializer().serialize(Topics.ENCODED.name(), e)));
    }

    private static KafkaProducer<String, byte[]> producer(final String bootstrap) {
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Commits the current end offsets for a new group, so a run reads only what it produces. */
    private static void startAtEnd(final String bootstrap, final String group) {
        final Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
            final List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(Topics.ENCODED.name()).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            consumer.endOffsets(parts).forEach((tp, off) -> offsets.put(tp, new OffsetAndMetadata(off)));
            consumer.commitSync(offsets);
        }
    }
}
