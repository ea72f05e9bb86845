package io.sentimentstreams.cli.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.Main;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.testkit.TestBroker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./sentiment models retire} on a real broker: unknown and malformed versions get clear errors, the newest
 * and the only live version are refused without {@code --force}, a retired version is written as a tombstone and
 * {@code models list} shows it as retired, not live.
 */
class ModelsRetireCommandTest {

    private static final Path SHIPPED = Path.of("..", "models", "imdb-en");
    /** A name of its own: other tests of this JVM publish imdb-en on the same broker. */
    private static final String NAME = "retire-en";

    @TempDir
    static Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... argv) {
        out.reset();
        err.reset();
        final List<String> all = new ArrayList<>(List.of(argv));
        all.addAll(List.of("--bootstrap", TestBroker.bootstrapServers()));
        return Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** This test's lines of {@code models list --output jsonl}. */
    private List<JsonNode> listed() throws IOException {
        assertThat(run("models", "list", "--output", "jsonl")).as(err()).isZero();
        final List<JsonNode> mine = new ArrayList<>();
        for (final String line : out.toString(StandardCharsets.UTF_8).lines().toList()) {
            final JsonNode n = Json.MAPPER.readTree(line);
            if (n.get("key").asText().startsWith(NAME + "@")) {
                mine.add(n);
            }
        }
        return mine;
    }

    @Test
    void retireRefusesWhatItShouldAndWritesTheTombstoneListSees() throws Exception {
        final Path v1 = renamed(SHIPPED, tmp.resolve("v1"), 1, "2026-12-01T00:00:00Z");
        final Path v2 = renamed(SHIPPED, tmp.resolve("v2"), 2, "2026-12-02T00:00:00Z");
        assertThat(run("publish", "--model", v1.toString(), "--create-topics")).as(err()).isZero();

        assertThat(run("models", "retire", NAME + "@1")).isEqualTo(ModelsCommand.RETIRE_REFUSED);
        assertThat(err()).contains(NAME + "@1 is the only live version of " + NAME).contains("--force");

        assertThat(run("publish", "--model", v2.toString())).as(err()).isZero();
        assertThat(run("models", "retire", NAME + "@9")).isEqualTo(ModelsCommand.RETIRE_REFUSED);
        assertThat(err()).contains(NAME + "@9 is not on sentiment.models; live versions of " + NAME + ": ["
                + NAME + "@1, " + NAME + "@2]");
        assertThat(run("models", "retire", "nobody@1")).isEqualTo(ModelsCommand.RETIRE_REFUSED);
        assertThat(err()).contains("nobody@1 is not on sentiment.models (no version of nobody is)");
        assertThat(run("models", "retire", NAME)).isEqualTo(Command.USAGE);
        assertThat(err()).contains("expected name@version");
        assertThat(run("models", "retire", NAME + "@2")).isEqualTo(ModelsCommand.RETIRE_REFUSED);
        assertThat(err()).contains("the newest live version of " + NAME).contains("rolls back to " + NAME + "@1");

        assertThat(run("models", "retire", NAME + "@1")).as(err()).isZero();
        assertThat(Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8)).get("key").asText())
                .isEqualTo(NAME + "@1");
        List<JsonNode> mine = listed();
        assertThat(mine).extracting(n -> n.get("key").asText() + (n.path("retired").asBoolean() ? " retired" : ""))
                .containsExactly(NAME + "@2", NAME + "@1 retired");

        assertThat(run("models", "retire", NAME + "@1")).isEqualTo(ModelsCommand.RETIRE_REFUSED);
        assertThat(err()).contains(NAME + "@1 is already retired");

        assertThat(run("models", "retire", NAME + "@2", "--force")).as(err()).isZero();
        mine = listed();
        assertThat(mine).allMatch(n -> n.path("retired").asBoolean());
        assertThat(mine).hasSize(2);

        // Published again after its tombstone, the version is live again.
        assertThat(run("publish", "--model", v1.toString())).as(err()).isZero();
        assertThat(listed()).extracting(n -> n.get("key").asText() + (n.path("retired").asBoolean() ? " retired" : ""))
                .containsExactly(NAME + "@1", NAME + "@2 retired");
    }

    /** The shipped bundle under {@link #NAME} and {@code version}, with its own createdAt. */
    private static Path renamed(final Path bundle, final Path dir, final int version, final String createdAt)
            throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(bundle)) {
            for (final Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        final ObjectNode manifest = (ObjectNode) Json.MAPPER.readTree(dir.resolve("bundle.json").toFile());
        manifest.put("name", NAME);
        manifest.put("version", version);
        manifest.put("createdAt", createdAt);
        Files.write(dir.resolve("bundle.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        return dir;
    }
}
