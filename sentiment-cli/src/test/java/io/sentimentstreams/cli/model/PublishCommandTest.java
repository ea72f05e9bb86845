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

    @Test
    void rolesPromoteAndRollbackAreOneRolloutRecordEachAndRefusedWhenTheyDoNotApply() throws Exception {
        final Path bundle = renamed(SHIPPED, tmp.resolve("rollout-en"), "rollout-en");
        assertThat(publish(bundle.toString(), "--version", "1")).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(publish(bundle.toString(), "--version", "2", "--role", "shadow")).isZero();
        assertThat(printed().get("role").asText()).isEqualTo("shadow");
        final io.sentimentstreams.kafka.KafkaClientSettings kafka =
                io.sentimentstreams.kafka.KafkaClientSettings.forBootstrap(TestBroker.bootstrapServers());
        io.sentimentstreams.rollout.Rollout en = io.sentimentstreams.trainer.RolloutPublisher.read(kafka).get("en");
        assertThat(en.live()).hasToString("rollout-en@1");
        assertThat(en.shadow()).hasToString("rollout-en@2");

        // Held already: the role changes by one rollout record, the bundle is not sent again.
        final Map<String, Integer> before = recordsByKey("rollout-en@");
        assertThat(publish(bundle.toString(), "--version", "2", "--role", "canary", "--percent", "30")).isZero();
        assertThat(printed().path("after").path("role").asText()).isEqualTo("canary");
        assertThat(printed().path("after").path("percent").asInt()).isEqualTo(30);
        assertThat(recordsByKey("rollout-en@")).isEqualTo(before);

        assertThat(rollout("promote")).isZero();
        assertThat(printed().path("after").path("live").asText()).isEqualTo("rollout-en@2");
        assertThat(printed().path("after").path("previous").asText()).isEqualTo("rollout-en@1");
        assertThat(rollout("promote")).isEqualTo(RolloutCommand.REFUSED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no shadow or canary candidate for en");
        assertThat(rollout("rollback")).isZero();
        en = io.sentimentstreams.trainer.RolloutPublisher.read(kafka).get("en");
        assertThat(en.live()).hasToString("rollout-en@1");
        assertThat(rollout("rollback")).isEqualTo(RolloutCommand.REFUSED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no previous live version of en");
        assertThat(recordsByKey("rollout:en")).as("canary, promote, rollback; refusals write nothing").containsEntry("rollout:en", 3);

        // What serves is the rollout's live version, not the newest one.
        out.reset();
        err.reset();
        final PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Main.run(new String[] {"models", "retire", "rollout-en@1", "--bootstrap", TestBroker.bootstrapServers()},
                o, e)).isEqualTo(ModelsCommand.RETIRE_REFUSED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("rollout-en@1 is live for en")
                .contains("./sentiment rollback --lang en");
        assertThat(Main.run(new String[] {"models", "retire", "rollout-en@2", "--bootstrap", TestBroker.bootstrapServers()},
                o, e)).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void rolesAreCheckedBeforeAnythingIsSent() {
        assertThat(publish("--model", SHIPPED.toString(), "--role", "canary")).isEqualTo(io.sentimentstreams.cli.Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--role canary needs --percent P");
        assertThat(publish("--model", SHIPPED.toString(), "--role", "shadow", "--percent", "5"))
                .isEqualTo(io.sentimentstreams.cli.Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--percent goes with --role canary only");
        assertThat(publish("--model", SHIPPED.toString(), "--role", "canary", "--percent", "101"))
                .isEqualTo(io.sentimentstreams.cli.Command.USAGE);
        assertThat(publish("--model", SHIPPED.toString(), "--role", "blue")).isEqualTo(io.sentimentstreams.cli.Command.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown role 'blue'");
    }

    private int rollout(final String command) {
        out.reset();
        err.reset();
        return Main.run(new String[] {command, "--lang", "en", "--bootstrap", TestBroker.bootstrapServers()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The bundle under another model name (bundle.json only changes, so it is another bundle). */
    private static Path renamed(final Path bundle, final Path dir, final String name) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(bundle)) {
            for (final Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        final ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(dir.resolve("bundle.json").toFile());
        manifest.put("name", name);
        Files.write(dir.resolve("bundle.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        return dir;
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
        return recordsByKey("imdb-en@");
    }

    private static Map<String, Integer> recordsByKey(final String prefix) {
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
                    if (r.key().startsWith(prefix)) {
                        counts.merge(r.key(), 1, Integer::sum);
                    }
                });
            }
        }
        return counts;
    }
}
