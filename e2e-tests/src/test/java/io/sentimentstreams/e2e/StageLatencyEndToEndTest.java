package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.cli.run.StageLatencies;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.StageTimes;
import io.sentimentstreams.topics.Topics;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage times through the packaged services on a real broker: the sample reviews over HTTP and over
 * {@code reviews.inbound}; inference-service's hop timers, summed, equal its end-to-end timer over the same
 * records (the three hops telescope from ingest's receipt to the label, each stamped by another JVM), each hop
 * counts every labeled review under its channel; and dead letters from ingest (a malformed inbound payload)
 * and from preprocess (an id resent with another text) carry the times the review had reached.
 */
class StageLatencyEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void hopTimersAddUpToTheEndToEndLatencyAndDeadLettersCarryTheirStageTimes() throws Exception {
        final Path home = Repo.home();
        final List<DemoInput> sample = DemoInput.sample();
        final List<DemoInput> overHttp = renamed(sample, "stage-http-");
        final List<DemoInput> overInbound = renamed(sample, "stage-in-");
        try (PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress)
                     .start(Stack.shippedModels(home), Duration.ofSeconds(180));
             ResultCollector results = new ResultCollector(stack.bootstrapServers(), r -> { }, d -> { })) {
            final IngestClient client = new IngestClient(stack.service("ingest-service").baseUrl());
            assertThat(client.post(overHttp, "e2e")).isNull();
            sendInbound(stack.bootstrapServers(), overInbound, "{\"text\": not json");
            final int n = overHttp.size() + overInbound.size();
            await().atMost(Duration.ofSeconds(180)).until(() -> results.labeled().size() >= n);
            final DemoInput first = overHttp.get(0);
            assertThat(client.post(List.of(new DemoInput(first.id(), first.text() + " Edited.", first.lang(), null)),
                    "e2e-conflict")).isNull();

            // The meters are recorded just after each commit: wait until the end-to-end timer has every review.
            final String metricsUrl = stack.service("inference-service").baseUrl() + "/q/metrics";
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> StageLatencies.parse(scrape(metricsUrl)).endToEnd().count() >= n);
            final String metrics = scrape(metricsUrl);
            final StageLatencies all = StageLatencies.parse(metrics);
            assertThat(all.endToEnd().count()).isEqualTo(n);
            for (final Map.Entry<String, StageLatencies.Histogram> hop : all.hops().entrySet()) {
                assertThat(hop.getValue().count()).as(hop.getKey()).isEqualTo(n);
                assertThat(hop.getValue().sum()).as(hop.getKey()).isPositive();
            }
            // Every end is the same instant as the payload's receivedAt or labeledAt, so the sums agree to the
            // clock's resolution (a microsecond per record) plus the exposition's double rounding.
            assertThat(all.hopSumSeconds()).isCloseTo(all.endToEnd().sum(), within(n * 1e-6));
            assertThat(StageLatencies.parse(metrics, "channel=http").hops().get("ingest_to_raw").count())
                    .isEqualTo(overHttp.size());
            assertThat(StageLatencies.parse(metrics, "channel=inbound").hops().get("encoded_to_labeled").count())
                    .isEqualTo(overInbound.size());

            final Map<String, ConsumerRecord<String, byte[]>> letters = deadLetters(stack.bootstrapServers(), 2);
            final ConsumerRecord<String, byte[]> conflict = letters.get(Reason.ID_CONFLICT.name());
            assertThat(conflict).as("ID_CONFLICT letter").isNotNull();
            assertThat(Json.read(conflict.value(), DeadLetter.class).stage()).isEqualTo(Stage.PREPROCESS);
            final StageTimes conflictTimes = StageTimes.read(conflict.headers());
            assertThat(conflictTimes.channel()).isEqualTo(StageTimes.Channel.HTTP);
            assertThat(conflictTimes.time(StageTimes.Point.RECEIVED)).isNotNull();
            assertThat(conflictTimes.hop(StageTimes.Hop.INGEST_TO_RAW)).isGreaterThanOrEqualTo(Duration.ZERO);
            assertThat(conflictTimes.time(StageTimes.Point.ENCODED)).isNull();
            final ConsumerRecord<String, byte[]> malformed = letters.get(Reason.INVALID_JSON.name());
            assertThat(malformed).as("INVALID_JSON letter").isNotNull();
            assertThat(Json.read(malformed.value(), DeadLetter.class).stage()).isEqualTo(Stage.INGEST);
            final StageTimes malformedTimes = StageTimes.read(malformed.headers());
            assertThat(malformedTimes.channel()).isEqualTo(StageTimes.Channel.INBOUND);
            assertThat(malformedTimes.time(StageTimes.Point.RECEIVED)).isNotNull();
            assertThat(malformedTimes.time(StageTimes.Point.RAW)).isNull();
        }
    }

    private static List<DemoInput> renamed(final List<DemoInput> reviews, final String prefix) {
        final List<DemoInput> out = new ArrayList<>();
        for (int i = 0; i < reviews.size(); i++) {
            out.add(new DemoInput(prefix + i, reviews.get(i).text(), reviews.get(i).lang(), null));
        }
        return out;
    }

    private static String scrape(final String url) throws Exception {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void sendInbound(final String bootstrap, final List<DemoInput> reviews, final String malformed)
            throws Exception {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (final DemoInput r : reviews) {
                final Map<String, String> review = r.lang() == null ? Map.of("id", r.id(), "text", r.text())
                        : Map.of("id", r.id(), "text", r.text(), "lang", r.lang());
                producer.send(new ProducerRecord<>(Topics.INBOUND.name(), Json.writeBytes(review)));
            }
            producer.send(new ProducerRecord<>(Topics.INBOUND.name(), malformed.getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** The committed dead letters by reason (the first of each), read until {@code reasons} reasons were seen. */
    private static Map<String, ConsumerRecord<String, byte[]>> deadLetters(final String bootstrap, final int reasons) {
        final Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final Map<String, ConsumerRecord<String, byte[]>> byReason = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = consumer.partitionsFor(Topics.DLQ.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (byReason.size() < reasons && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    byReason.putIfAbsent(Json.read(r.value(), DeadLetter.class).reason().name(), r);
                }
            }
        }
        return byReason;
    }
}
