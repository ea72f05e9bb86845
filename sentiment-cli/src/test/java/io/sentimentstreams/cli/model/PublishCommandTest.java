package io.sentimentstreams.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Main;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.testkit.TestBroker;
import io.sentimentstreams.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./sentiment publish} on a real broker: the bundle's own version is kept, publishing it again sends
 * nothing, another bundle under a taken name@version is refused (exit 4), {@code --version next} gives it
 * the next one, and {@code models list} shows what the topic holds.
 */
class PublishCommandTest {

    private static final Path SHIPPED = Path.of("..", "models", "imdb-en");

    @TempDir
    static Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int publish(final String... extra) {
        out.reset();
        err.reset();
        final List<String> argv = new ArrayList<>(List.of("publish", "--bootstrap", TestBroker.bootstrapServers()));
        argv.addAll(List.of(extra));
        return Main.run(argv.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private JsonNode printed() throws IOException {
        return Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void versionsMeanTheSameBundleEverywhere() throws Exception {
        final int version = Json.MAPPER.readTree(SHIPPED.resolve("bundle.json").toFile()).get("version").asInt();
        assertThat(publish("--model", SHIPPED.toString(), "--create-topics")).as(err.toString()).isZero();
        assertThat(printed().get("key").asText()).isEqualTo("imdb-en@" + version);
        assertThat(printed().has("already_published")).isFalse();

        assertThat(publish("--model", SHIPPED.toString())).as(err.toString()).isZero();
        assertThat(printed().get("already_published").asBoolean()).isTrue();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nothing sent");
        assertThat(recordsByKey()).containsExactly(Map.entry("imdb-en@" + version, 1));

        final Path other = copyWithAnotherCreatedAt(SHIPPED, tmp.resolve("other"));
        assertThat(publish("--model", other.toString())).isEqualTo(PublishCommand.VERSION_TAKEN);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("imdb-en@" + version
                + " is already on sentiment.models as another bundle").contains("--version next");
        assertThat(recordsByKey()).containsExactly(Map.entry("imdb-en@" + version, 1));

        assertThat(publish("--model", other.toString(), "--version", "next")).as(err.toString()).isZero();
        assertThat(printed().get("key").asText()).isEqualTo("imdb-en@" + (version + 1));
        assertThat(publish("--model", other.toString(), "--version", "next")).as(err.toString()).isZero();
        assertThat(printed().get("key").asText()).as("a retry of next finds itself as the newest")
                .isEqualTo("imdb-en@" + (version + 1));
        assertThat(printed().get("already_published").asBoolean()).isTrue();
        assertThat(recordsByKey()).containsOnly(Map.entry("imdb-en@" + version, 1),
                Map.entry("imdb-en@" + (version + 1), 1));

        out.reset();
        assertThat(Main.run(new String[] {"models", "list", "--bootstrap", TestBroker.bootstrapServers(), "--output",
            "jsonl"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
            StandardCharsets.UTF_8))).isZero();
        final List<String> listed = out.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("\"imdb-en@")).toList();
        assertThat(listed).hasSize(2);
        assertThat(Json.MAPPER.readTree(listed.get(0)).get("key").asText()).isEqualTo("imdb-en@" + version);
        assertThat(Json.MAPPER.readTree(listed.get(1)).get("key").asText()).isEqualTo("imdb-en@" + (version + 1));
        assertThat(Json.MAPPER.readTree(listed.get(0)).get("digest").asText())
                .isEqualTo(io.sentimentstreams.bundle.ModelBundle.load(SHIPPED).digest());
    }

    @Test
    void badVersionIsAUsageError() {
        assertThat(publish("--model", SHIPPED.toString(), "--version", "0")).isEqualTo(io.sentimentstreams.cli.Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--version must be at least 1, or next");
    }

    /** The bundle's files with bundle.json's createdAt changed: a different bundle under the same version. */
    private static Path copyWithAnotherCreatedAt(final Path bundle, final Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(bundle)) {
            for (final Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        final ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(dir.resolve("bundle.json").toFile());
        manifest.put("createdAt", "2026-12-04T00:00:00Z");
        Files.write(dir.resolve("bundle.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        return dir;
    }

    private static Map<String, Integer> recordsByKey() {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MODEL_MAX_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MODEL_MAX_BYTES);
        final Map<String, Integer> counts = new java.util.TreeMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final TopicPartition tp = new TopicPartition(Topics.MODELS.name(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            final long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                // Other tests of this JVM share the broker: count this test's model only.
                c.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (r.key().startsWith("imdb-en@")) {
                        counts.merge(r.key(), 1, Integer::sum);
                    }
                });
            }
        }
        return counts;
    }
}
