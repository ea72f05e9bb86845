package io.sentimentstreams.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.Launcher;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.RunDirs;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.kafka.KafkaClients;
import io.sentimentstreams.topics.Topics;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./sentiment bench fuzz}: sends generated malformed payloads over HTTP and over
 * {@code reviews.inbound} mixed with valid reviews, and checks that every malformed one got a 4xx or
 * a dead letter with a reason, that no 5xx came back, that every valid one was labeled, and how the
 * services' resident memory moved.
 */
public final class FuzzBench implements Command {

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("count", "valid", "timeout", "rounds"), Set.of("help"));
        if (args.has("help")) {
            out.println("usage: ./sentiment bench fuzz [--count N (default 10000)] [--valid N (default 1000)]"
                    + " [--rounds R (default 1: send the malformed set R times, RSS after each round)]");
            return 0;
        }
        final int count = args.getInt("count", 10_000);
        final int valid = args.getInt("valid", 1000);
        final int rounds = Math.max(1, args.getInt("rounds", 1));
        final Path home = Launcher.home();
        final List<MalformedInputs.Payload> payloads = MalformedInputs.generate(count, 3L, 100_000, 1000);
        final List<DemoInput> good = relabel(DemoInput.take(FaultsBench.corpus(home.resolve("../shared/data"), err),
                valid, 5L));
        try (Stack stack = new Stack(home, RunDirs.fresh(home, "fuzz"),
                home.resolve(".sentiment/logs/fuzz"), err).start(Stack.shippedModels(home), Duration.ofSeconds(180));
             ResultCollector results = new ResultCollector(stack.bootstrapServers(), r -> { }, d -> { })) {
            final Map<String, Long> rssBefore = new TreeMap<>();
            Stack.SERVICES.forEach(s -> rssBefore.put(s, ProcessStats.of(stack.service(s).pid()).rssMb()));
            final String ingest = stack.service("ingest-service").baseUrl();
            final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            final IngestClient client = new IngestClient(ingest);
            final Map<String, Integer> httpStatus = new TreeMap<>();
            final Map<String, Integer> http5xxByCategory = new TreeMap<>();
            final Map<String, Integer> http2xxByCategory = new TreeMap<>();
            int validIndex = 0;
            final int half = payloads.size() / 2;
            final int inbound = payloads.size() - half;
            final Map<String, List<Long>> rssRounds = new TreeMap<>();
            final Properties props = new Properties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 * 1024 * 1024));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos((long) args.getInt("timeout", 300) * rounds);
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < half; i++) {
                    final MalformedInputs.Payload p = payloads.get(i);
                    final HttpRequest request = HttpRequest.newBuilder(URI.create(ingest + "/reviews"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(p.bytes()))
                            .build();
                    int status;
                    try {
                        status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (java.io.IOException e) {
                        status = 0;
                    }
                    httpStatus.merge(status / 100 + "xx", 1, Integer::sum);
                    if (status >= 500 || status == 0) {
                        http5xxByCategory.merge(p.category(), 1, Integer::sum);
                    } else if (status < 400) {
                        http2xxByCategory.merge(p.category(), 1, Integer::sum);
                    }
                    if (round == 0 && i % Math.max(1, half / Math.max(1, valid / 50)) == 0
                            && validIndex < good.size()) {
                        final List<DemoInput> batch = good.subList(validIndex, Math.min(good.size(), validIndex + 50));
                        validIndex += batch.size();
                        if (client.post(batch, "fuzz") != null) {
                            err.println("a valid batch was refused");
                        }
                    }
                }
                while (validIndex < good.size()) {
                    final List<DemoInput> batch = good.subList(validIndex, Math.min(good.size(), validIndex + 50));
                    validIndex += batch.size();
                    client.post(batch, "fuzz");
                }
                try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(
                        KafkaClientSettings.forBootstrap(stack.bootstrapServers()), props, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    for (int i = half; i < payloads.size(); i++) {
                        producer.send(new ProducerRecord<>(Topics.INBOUND.name(), payloads.get(i).bytes()));
                    }
                    producer.flush();
                }
                final int expected = inbound * (round + 1);
                while (System.nanoTime() < deadline && (inboundDead(results) < expected
                        || labeledValid(results, good) < good.size())) {
                    TimeUnit.MILLISECONDS.sleep(250);
                }
                for (final String svc : Stack.SERVICES) {
                    rssRounds.computeIfAbsent(svc, k -> new ArrayList<>()).add(stack.service(svc).isAlive()
                            ? ProcessStats.of(stack.service(svc).pid()).rssMb() : -1L);
                }
                err.printf("  round %d/%d: %d malformed over HTTP, %d on reviews.inbound (%d dead-lettered so far);"
                        + " RSS %s%n", round + 1, rounds, half, inbound, inboundDead(results), rssRounds);
            }
            final Map<String, Integer> reasons = new TreeMap<>();
            for (final DeadLetter d : results.deadLetters()) {
                if (d.stage() == Stage.INGEST) {
                    reasons.merge(String.valueOf(d.reason()), 1, Integer::sum);
                }
            }
            final ObjectNode line = Json.MAPPER.createObjectNode();
            line.put("rounds", rounds);
            line.put("malformed_http", half * rounds);
            final ObjectNode st = line.putObject("http_status");
            httpStatus.forEach(st::put);
            final ObjectNode bad = line.putObject("http_5xx_or_no_answer_by_category");
            http5xxByCategory.forEach(bad::put);
            final ObjectNode acc = line.putObject("http_accepted_malformed_by_category");
            http2xxByCategory.forEach(acc::put);
            line.put("malformed_inbound", inbound * rounds);
            line.put("inbound_dead_lettered", inboundDead(results));
            final ObjectNode rs = line.putObject("inbound_dlq_reasons");
            reasons.forEach(rs::put);
            line.put("valid_sent", good.size());
            line.put("valid_labeled", labeledValid(results, good));
            final ObjectNode mem = line.putObject("rss_mb_before_after");
            for (final String s : Stack.SERVICES) {
                final boolean alive = stack.service(s).isAlive();
                mem.put(s, rssBefore.get(s) + " -> " + (alive ? ProcessStats.of(stack.service(s).pid()).rssMb()
                        : "DEAD"));
            }
            final ObjectNode perRound = line.putObject("rss_mb_after_each_round");
            rssRounds.forEach((svc, list) -> {
                final var arr = perRound.putArray(svc);
                list.forEach(arr::add);
            });
            final boolean ok = http5xxByCategory.isEmpty() && http2xxByCategory.isEmpty()
                    && inboundDead(results) >= (long) inbound * rounds && labeledValid(results, good) == good.size()
                    && Stack.SERVICES.stream().allMatch(s -> stack.service(s).isAlive());
            line.put("ok", ok);
            out.println(Json.write(line));
            return ok ? 0 : 1;
        }
    }

    private static long inboundDead(final ResultCollector results) {
        return results.deadLetters().stream()
                .filter(d -> d.stage() == Stage.INGEST && Topics.INBOUND.name().equals(d.sourceTopic())).count();
    }

    private static long labeledValid(final ResultCollector results, final List<DemoInput> good) {
        return good.stream().filter(r -> results.labeled().containsKey(r.id())).count();
    }

    private static List<DemoInput> relabel(final List<DemoInput> in) {
        final List<DemoInput> out = new ArrayList<>();
        int i = 0;
        for (final DemoInput r : in) {
            out.add(new DemoInput("fuzz-valid-" + (i++), r.text(), r.lang(), r.label()));
        }
        return out;
    }
}
