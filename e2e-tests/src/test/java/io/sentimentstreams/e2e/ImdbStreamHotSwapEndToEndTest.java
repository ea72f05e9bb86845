package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.IngestClient;
import io.sentimentstreams.cli.run.ResultCollector;
import io.sentimentstreams.cli.run.Stack;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.LabeledReview;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.trainer.Publisher;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 IMDB test reviews over HTTP and 50 malformed payloads over {@code reviews.inbound}, with a new
 * version of the English model published halfway: every review is labeled exactly once, by the model
 * version that encoded it, accurately; every malformed payload is dead-lettered with a reason.
 */
class ImdbStreamHotSwapEndToEndTest {

    private static final int REVIEWS = 1000;
    private static final int MALFORMED = 50;

    @TempDir
    Path tmp;

    @Test
    void thousandImdbReviewsAreLabeledOnceAcrossAHotSwapAndMalformedInputIsDeadLettered() throws Exception {
        final Path imdbTest = Repo.data().resolve("imdb/test.tsv.gz");
        assumeTrue(Files.isRegularFile(imdbTest), "IMDB corpus not found at " + imdbTest
                + " (set -Dsentiment.data.dir); skipping the 1,000-review end-to-end test");
        final Path home = Repo.home();
        final Path english = home.resolve("models/imdb-en");
        final List<DemoInput> reviews = DemoInput.take(DemoInput.read(imdbTest), REVIEWS, 7L);

        try (PrintStream progress = new PrintStream(System.err, true, StandardCharsets.UTF_8);
             Stack stack = new Stack(home, tmp.resolve("run"), tmp.resolve("logs"), progress)
                     .start(Stack.shippedModels(home), Duration.ofSeconds(180));
             ResultCollector results = new ResultCollector(stack.bootstrapServers(), r -> { }, d -> { })) {
            final int oldVersion = ModelBundle.load(english).manifest().version();
            final IngestClient client = new IngestClient(stack.service("ingest-service").baseUrl());
            sendMalformed(stack.bootstrapServers());

            final List<List<DemoInput>> batches = new ArrayList<>();
            for (int i = 0; i < reviews.size(); i += 50) {
                batches.add(reviews.subList(i, Math.min(reviews.size(), i + 50)));
            }
            for (int b = 0; b < batches.size(); b++) {
                if (b == batches.size() / 2) {
                    Publisher.publish(english, stack.bootstrapServers(), oldVersion + 1, false);
                }
                if (b == batches.size() - 1) {
                    // Hold the last batch until the swap is visible, so both versions really score.
                    await().atMost(Duration.ofSeconds(90)).until(() -> results.labeled().values().stream()
                            .anyMatch(r -> r.modelVersion() == oldVersion + 1));
                }
                assertThat(client.post(batches.get(b), "e2e")).as("batch %d accepted", b).isNull();
            }

            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
                    results.labeled().size() >= REVIEWS && ingestDeadLetters(results).size() >= MALFORMED);

            final Map<String, LabeledReview> labeled = results.labeled();
            assertThat(labeled.keySet()).containsExactlyInAnyOrderElementsOf(
                    reviews.stream().map(DemoInput::id).toList());
            assertThat(results.duplicates()).as("labeled more than once").isEmpty();
            assertThat(labeled.values()).extracting(LabeledReview::modelVersion)
                    .contains(oldVersion, oldVersion + 1);

            final Map<String, Integer> encodedVersion = ResultCollector.encodedVersions(stack.bootstrapServers(), "");
            for (final LabeledReview r : labeled.values()) {
                assertThat(r.modelVersion()).as("version that scored %s", r.id()).isEqualTo(encodedVersion.get(r.id()));
            }

            int correct = 0;
            for (final DemoInput in : reviews) {
                if ((in.label() == 1) == (labeled.get(in.id()).label() == Label.POSITIVE)) {
                    correct++;
                }
            }
            assertThat(correct / (double) REVIEWS).as("accuracy on %d IMDB test reviews", REVIEWS)
                    .isGreaterThanOrEqualTo(0.85);

            final List<DeadLetter> dead = ingestDeadLetters(results);
            assertThat(dead).hasSize(MALFORMED);
            assertThat(dead).allSatisfy(d -> {
                assertThat(d.reason()).isNotNull();
                assertThat(d.message()).isNotBlank();
                assertThat(d.payload() != null || d.payloadBase64() != null).isTrue();
            });
        }
    }

    private static List<DeadLetter> ingestDeadLetters(final ResultCollector results) {
        return results.deadLetters().stream().filter(d -> d.stage() == Stage.INGEST).toList();
    }

    private static void sendMalformed(final String bootstrap) throws Exception {
        final List<byte[]> payloads = new ArrayList<>();
        final String[] shapes = {
            "{\"text\": \"cut off",
            "{\"text\": \"   \"}",
            "{\"text\": 12345}",
            "{\"text\": null}",
            "{\"text\": \"ok\", \"lang\": \"xx\"}",
            "[\"an\", \"array\"]",
            "\"just a string\"",
            "{\"text\": \"ok\", \"id\": \"bad\\u0000id\"}",
            "{\"text\": \"ok\", \"attributes\": [1, 2]}",
            "",
        };
        for (int i = 0; i < MALFORMED; i++) {
            if (i % 11 == 10) {
                payloads.add(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) i}); // invalid UTF-8
            } else {
                payloads.add(shapes[i % shapes.length].getBytes(StandardCharsets.UTF_8));
            }
        }
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (final byte[] p : payloads) {
                producer.send(new ProducerRecord<>(Topics.INBOUND.name(), p)).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
