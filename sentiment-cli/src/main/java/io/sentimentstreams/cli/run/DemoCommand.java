package io.sentimentstreams.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.topics.Topics;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./sentiment demo}: starts the whole system (broker + three services, shipped models),
 * streams reviews through HTTP plus malformed payloads through {@code reviews.inbound}, prints each
 * labeled result as it arrives and a summary, then stops everything. {@code ./sentiment up} is the
 * same without the stream and without stopping.
 */
public class DemoCommand implements Command {

    static final String USAGE_TEXT = """
            usage: ./sentiment demo [--input FILE] [--count N] [--output text|jsonl] [--batch N]
                                    [--models DIR,DIR] [--timeout SECONDS] [--keep]
              --input FILE      reviews to stream: JSONL (text, id, lang, label) or TSV/CSV with a header
                                (text|document|sentence|review, label, id), gzip ok; default: built-in sample
              --count N         stream N reviews (sampled deterministically; cycles when N > input)
              --output jsonl    one LabeledReview JSON per stdout line, then {"summary": {...}}
              --batch N         reviews per HTTP request (default 50); each row is accepted or refused on
                                its own, and refused rows are listed with their line numbers
              --models DIRS     model bundles to publish (default: models/*)
              --timeout S       give up waiting for results after S seconds (default 300)
              --keep            keep the run directory (broker data) under .sentiment/runs/""";

    private static final int MAX_ROWS_SHOWN = 20;
    private static final Set<String> VALUED = Set.of("input", "count", "output", "batch", "models", "timeout");

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, VALUED, Set.of("keep", "help"));
        if (args.has("help")) {
            out.println(USAGE_TEXT);
            return 0;
        }
        final String output = args.get("output", "text");
        if (!output.equals("text") && !output.equals("jsonl")) {
            throw new UsageException("--output must be text or jsonl");
        }
        final boolean jsonl = output.equals("jsonl");
        final Path home = Launcher.home();
        List<DemoInput> reviews = args.has("input") ? DemoInput.readEveryRow(Path.of(args.get("input", "")))
                : DemoInput.sample();
        if (reviews.isEmpty()) {
            throw new UsageException("no reviews in the input");
        }
        final boolean sampleInput = !args.has("input");
        reviews = DemoInput.take(reviews, args.getInt("count", reviews.size()), 42L);
        final List<String> malformed = sampleInput ? DemoInput.malformedInbound() : List.of();
        final List<Path> models = modelDirs(home, args.get("models", null));
        final int timeout = args.getInt("timeout", 300);
        final int batch = Math.max(1, args.getInt("batch", 50));

        final Path runDir = home.resolve(".sentiment/runs/demo-" + System.currentTimeMillis());
        final Path logDir = home.resolve(".sentiment/logs");
        err.println("Sentiment Streams demo: " + reviews.size() + " reviews"
                + (malformed.isEmpty() ? "" : " + " + malformed.size() + " malformed inbound payloads")
                + "; logs in " + home.relativize(logDir) + "/");
        final Stack stack = new Stack(home, runDir, logDir, err);
        final Thread onCtrlC = new Thread(stack::close, "demo-stop");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            stack.start(models, Duration.ofSeconds(180));
            final int code = stream(stack, reviews, malformed, batch, timeout, jsonl, out, err);
            return code;
        } finally {
            err.println("Stopping services and broker ...");
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            if (!args.has("keep")) {
                RunDirs.deleteTree(runDir);
            }
            err.println("Stopped.");
        }
    }

    static List<Path> modelDirs(final Path home, final String option) throws java.io.IOException {
        if (option == null) {
            final List<Path> shipped = Stack.shippedModels(home);
            if (shipped.isEmpty()) {
                throw new java.io.IOException("no model bundles under " + home.resolve("models"));
            }
            return shipped;
        }
        final List<Path> dirs = new ArrayList<>();
        for (final String d : option.split(",")) {
            dirs.add(Path.of(d.trim()));
        }
        return dirs;
    }

    private int stream(final Stack stack, final List<DemoInput> reviews, final List<String> malformed,
                       final int batch, final int timeoutSeconds, final boolean jsonl, final PrintStream out,
                       final PrintStream err) throws Exception {
        final Map<String, DemoInput> byId = new HashMap<>();
        reviews.forEach(r -> byId.put(r.id(), r));
        final AtomicInteger shown = new AtomicInteger();
        final Object printLock = new Object();
        try (ResultCollector collector = new ResultCollector(stack.bootstrapServers(),
                r -> {
                    synchronized (printLock) {
                        if (jsonl) {
                            out.println(Json.write(r));
                        } else {
                            out.println(formatLine(r));
                        }
                        out.flush();
                        shown.incrementAndGet();
                    }
                },
                d -> {
                    if (!jsonl) {
                        synchronized (printLock) {
                            out.printf("  DLQ      %-10s %-13s %s: %s%n", d.stage(), d.reason(),
                                    d.id() == null ? "(no id)" : d.id(), abbreviate(d.message(), 70));
                            out.flush();
                        }
                    }
                })) {
            final String ingest = stack.service("ingest-service").baseUrl();
            final IngestClient client = new IngestClient(ingest);
            showHttpRejection(client, err);
            final long t0 = System.nanoTime();
            final Instant started = Instant.now();
            final Set<String> accepted = new HashSet<>();
            final Map<String, Integer> rejected = new TreeMap<>();
            final List<RejectedRow> rejectedRows = new ArrayList<>();
            int sent = 0;
            for (int i = 0; i < reviews.size(); i += batch) {
                final List<DemoInput> chunk = reviews.subList(i, Math.min(reviews.size(), i + batch));
                final IngestClient.Submission outcome = client.submit(chunk, "demo");
                accepted.addAll(outcome.acceptedIds());
                for (final IngestClient.Rejection r : outcome.rejected()) {
                    rejectedRows.add(new RejectedRow(chunk.get(r.index()).line(), r.id(), r.code(), r.detail()));
                    rejected.merge(r.code(), 1, Integer::sum);
                }
                if (outcome.failure() != null) {
                    rejected.merge(outcome.failure(), chunk.size(), Integer::sum);
                }
                sent += chunk.size();
                if (reviews.size() >= 500 && (i / batch) % 20 == 0) {
                    err.printf("  sent %d/%d, labeled %d%n", sent, reviews.size(), collector.labeled().size());
                }
            }
            sendInbound(stack.bootstrapServers(), malformed);
            err.printf("Sent %d reviews over HTTP (%d accepted) and %d malformed payloads to %s; waiting for results ...%n",
                    sent, accepted.size(), malformed.size(), Topics.INBOUND.name());

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long lastReport = System.nanoTime();
            while (System.nanoTime() < deadline) {
                final int done = collector.settled(accepted);
                final long ingestDlq = collector.deadLetters().stream()
                        .filter(d -> d.sourceTopic() != null && d.sourceTopic().equals(Topics.INBOUND.name())).count();
                if (done >= accepted.size() && ingestDlq >= malformed.size()) {
                    break;
                }
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                    err.printf("  %d/%d settled ...%n", done, accepted.size());
                    lastReport = System.nanoTime();
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            final double seconds = (System.nanoTime() - t0) / 1e9;
            final ObjectNode summary = summarize(collector, byId, accepted, rejected, sent, malformed.size(),
                    started, seconds);
            final var rows = summary.putArray("rejected_rows");
            // Rows are streamed in a shuffled order; the file's order is the one a user looks them up by.
            rejectedRows.sort(java.util.Comparator.comparingInt(RejectedRow::line));
            for (final RejectedRow r : rejectedRows) {
                final ObjectNode row = rows.addObject();
                if (r.line() > 0) {
                    row.put("line", r.line());
                }
                row.put("id", r.id());
                row.put("code", r.code());
                row.put("detail", r.detail());
            }
            synchronized (printLock) {
                if (jsonl) {
                    final ObjectNode wrapper = Json.MAPPER.createObjectNode();
                    wrapper.set("summary", summary);
                    out.println(Json.write(wrapper));
                } else {
                    printSummary(summary, out);
                }
                out.flush();
            }
            final boolean complete = summary.get("missing").asInt() == 0 && summary.get("duplicates").asInt() == 0;
            if (!complete) {
                err.println("Not every accepted review was labeled or dead-lettered within " + timeoutSeconds
                        + " s; see the logs in " + stack.logDir());
            }
            return complete ? 0 : 1;
        }
    }

    private static ObjectNode summarize(final ResultCollector collector, final Map<String, DemoInput> byId,
                                        final Set<String> accepted, final Map<String, Integer> rejected,
                                        final int sent, final int malformedSent, final Instant started,
                                        final double seconds) {
        final List<Long> latencies = new ArrayList<>();
        final Map<String, Integer> labels = new TreeMap<>();
        final Map<String, Integer> models = new TreeMap<>();
        int known = 0;
        int correct = 0;
        Instant last = started;
        for (final LabeledReview r : collector.labeled().values()) {
            if (!accepted.contains(r.id())) {
                continue;
            }
            latencies.add(Duration.between(r.receivedAt(), r.labeledAt()).toMillis());
            labels.merge(r.label().name(), 1, Integer::sum);
            models.merge(r.model() + "@" + r.modelVersion(), 1, Integer::sum);
            if (r.labeledAt().isAfter(last)) {
                last = r.labeledAt();
            }
            final DemoInput in = byId.get(r.id());
            if (in != null && in.label() != null) {
                known++;
                if ((in.label() == 1) == (r.label() == Label.POSITIVE)) {
                    correct++;
                }
            }
        }
        latencies.sort(Long::compare);
        final Map<String, Integer> dlq = new TreeMap<>();
        collector.deadLetters().forEach(d -> dlq.merge(d.stage() + ":" + d.reason(), 1, Integer::sum));
        final int labeledCount = latencies.size();
        final double span = Math.max(1e-3, Duration.between(started, last).toMillis() / 1000.0);
        final ObjectNode s = Json.MAPPER.createObjectNode();
        s.put("sent", sent);
        s.put("accepted", accepted.size());
        s.put("labeled", labeledCount);
        s.put("missing", accepted.size() - collector.settled(accepted));
        s.put("duplicates", collector.duplicates().size());
        s.put("malformed_sent", malformedSent);
        final ObjectNode dlqNode = s.putObject("dlq");
        dlq.forEach(dlqNode::put);
        final ObjectNode rej = s.putObject("http_rejected");
        rejected.forEach(rej::put);
        s.put("reviews_per_s", Math.round(labeledCount / span * 10) / 10.0);
        s.put("p50_ms", percentile(latencies, 0.50));
        s.put("p95_ms", percentile(latencies, 0.95));
        s.put("p99_ms", percentile(latencies, 0.99));
        final ObjectNode mix = s.putObject("labels");
        labels.forEach(mix::put);
        final ObjectNode byModel = s.putObject("models");
        models.forEach(byModel::put);
        if (known > 0) {
            s.put("accuracy", Math.round(10000.0 * correct / known) / 10000.0);
            s.put("accuracy_n", known);
        }
        s.put("wall_s", Math.round(seconds * 10) / 10.0);
        return s;
    }

    /** The nearest-rank percentile {@code q} (0..1) of an ascending list; 0 when it is empty. */
    public static long percentile(final List<Long> sorted, final double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        final int idx = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
    }

    private static void printSummary(final ObjectNode s, final PrintStream out) {
        out.println();
        out.println("Summary");
        out.printf("  reviews sent %d, accepted %d, labeled %d, missing %d, duplicates %d%n", s.get("sent").asInt(),
                s.get("accepted").asInt(), s.get("labeled").asInt(), s.get("missing").asInt(),
                s.get("duplicates").asInt());
        out.printf("  throughput %.1f reviews/s; end-to-end latency p50 %d ms, p95 %d ms, p99 %d ms%n",
                s.get("reviews_per_s").asDouble(), s.get("p50_ms").asLong(), s.get("p95_ms").asLong(),
                s.get("p99_ms").asLong());
        out.println("  labels " + s.get("labels") + "  by model " + s.get("models"));
        if (s.has("accuracy")) {
            out.printf("  accuracy against the input's labels: %.4f (n=%d)%n", s.get("accuracy").asDouble(),
                    s.get("accuracy_n").asInt());
        }
        out.println("  dead letters " + s.get("dlq") + (s.get("http_rejected").isEmpty() ? ""
                : "  HTTP rejected " + s.get("http_rejected")));
        final JsonNode rows = s.path("rejected_rows");
        if (!rows.isEmpty()) {
            out.printf("  rows refused by ingest-service (%d):%n", rows.size());
            int shown = 0;
            for (final JsonNode row : rows) {
                if (shown++ == MAX_ROWS_SHOWN) {
                    out.printf("    ... and %d more (all of them in --output jsonl's summary)%n", rows.size() - MAX_ROWS_SHOWN);
                    break;
                }
                out.printf("    %-10s %-13s %s%n", row.has("line") ? "line " + row.get("line").asInt() : row.path("id").asText(),
                        row.path("code").asText(), abbreviate(row.path("detail").asText(), 90));
            }
        }
    }

    /** A row of the input that ingest-service refused: its line in the file (0 if unknown), id, reason, detail. */
    private record RejectedRow(int line, String id, String code, String detail) {
    }

    static String formatLine(final LabeledReview r) {
        return String.format("  %-8s %.3f  %-2s  %-16s %s", r.label(), r.score(), r.lang(),
                abbreviate(r.id(), 16), abbreviate(r.text(), 60));
    }

    static String abbreviate(final String s, final int max) {
        if (s == null) {
            return "";
        }
        final String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }

    /** Shows what a producer gets for a bad request, so the HTTP error contract is visible in the demo. */
    private static void showHttpRejection(final IngestClient client, final PrintStream err)
            throws InterruptedException {
        final IngestClient.Outcome r = client.postRaw("{\"id\": \"demo-bad-http\", \"text\": \"   \"}",
                "application/json");
        err.println("A blank review over HTTP gets: " + r.status() + " " + abbreviate(r.body(), 160));
    }

    static void sendInbound(final String bootstrap, final List<String> payloads) throws Exception {
        if (payloads.isEmpty()) {
            return;
        }
        final Properties props = new Properties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(KafkaClientSettings.forBootstrap(bootstrap),
                props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (final String p : payloads) {
                producer.send(new ProducerRecord<>(Topics.INBOUND.name(), null, p.getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }
}
