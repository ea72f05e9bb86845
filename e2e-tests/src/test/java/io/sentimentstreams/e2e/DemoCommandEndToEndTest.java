package io.sentimentstreams.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.cli.Main;
import io.sentimentstreams.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Runs {@code ./sentiment demo --output jsonl} exactly as a user would, on the shipped models. */
class DemoCommandEndToEndTest {

    @Test
    void demoLabelsEverySampleReviewAndDeadLettersEveryMalformedPayload() throws Exception {
        System.setProperty("sentiment.home", Repo.home().toString());
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final int code;
        try (PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
            code = Main.run(new String[] {"demo", "--output", "jsonl", "--timeout", "240"}, out, err);
        }
        final String log = stderr.toString(StandardCharsets.UTF_8);
        assertThat(code).as("demo exit code; stderr:%n%s", log).isZero();

        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(Json.MAPPER.readTree(line));
            }
        }
        final JsonNode summary = lines.get(lines.size() - 1).get("summary");
        assertThat(summary).as("last stdout line is the summary").isNotNull();
        final List<JsonNode> results = lines.subList(0, lines.size() - 1);
        final Set<String> ids = new HashSet<>();
        for (final JsonNode r : results) {
            assertThat(ids.add(r.get("id").asText())).as("no duplicate %s", r.get("id")).isTrue();
            assertThat(r.get("label").asText()).isIn("POSITIVE", "NEGATIVE");
            assertThat(r.get("score").asDouble()).isBetween(0.0, 1.0);
            assertThat(r.get("model").asText()).isNotBlank();
        }
        assertThat(summary.get("sent").asInt()).isEqualTo(22);
        assertThat(summary.get("labeled").asInt()).isEqualTo(22).isEqualTo(results.size());
        assertThat(summary.get("missing").asInt()).isZero();
        assertThat(summary.get("duplicates").asInt()).isZero();
        int ingestDeadLetters = 0;
        for (final var e : iterable(summary.get("dlq").fields())) {
            if (e.getKey().startsWith("INGEST:")) {
                ingestDeadLetters += e.getValue().asInt();
            }
        }
        assertThat(ingestDeadLetters).as("every malformed inbound payload dead-lettered: %s", summary.get("dlq"))
                .isEqualTo(summary.get("malformed_sent").asInt());
        assertThat(summary.get("p99_ms").asLong()).isPositive();
        assertThat(results).anySatisfy(r -> assertThat(r.get("lang").asText()).isEqualTo("ko"));
        assertThat(results).anySatisfy(r -> assertThat(r.get("lang").asText()).isEqualTo("en"));
    }

    /**
     * A file with good rows and bad ones (blank, missing and non-string text, a line that is not JSON, an unknown
     * language), sent five rows per request: every good row is labeled and each bad row is listed once, by
     * line, with the reason ingest-service gave.
     */
    @Test
    void demoOnAMixedFileLabelsEveryGoodRowAndListsEachBadOneByLine() throws Exception {
        System.setProperty("sentiment.home", Repo.home().toString());
        final java.nio.file.Path input = java.nio.file.Files.createTempFile("mixed-reviews", ".jsonl");
        try (var in = getClass().getResourceAsStream("/mixed-reviews.jsonl")) {
            java.nio.file.Files.copy(in, input, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final int code;
        try (PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
            code = Main.run(new String[] {"demo", "--input", input.toString(), "--batch", "5", "--output", "jsonl",
                    "--timeout", "240"}, out, err);
        } finally {
            java.nio.file.Files.deleteIfExists(input);
        }
        assertThat(code).as("demo exit code; stderr:%n%s", stderr.toString(StandardCharsets.UTF_8)).isZero();
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(Json.MAPPER.readTree(line));
            }
        }
        final JsonNode summary = lines.get(lines.size() - 1).get("summary");
        final Set<String> labeled = new HashSet<>();
        lines.subList(0, lines.size() - 1).forEach(r -> labeled.add(r.get("id").asText()));
        assertThat(labeled).containsExactlyInAnyOrder("mixed-en-1", "mixed-en-2", "mixed-en-3", "mixed-en-4",
                "mixed-ko-1", "mixed-ko-2", "mixed-ko-3", "line-11");
        assertThat(summary.get("sent").asInt()).isEqualTo(13);
        assertThat(summary.get("accepted").asInt()).isEqualTo(8);
        assertThat(summary.get("missing").asInt()).isZero();
        final List<String> refused = new ArrayList<>();
        summary.get("rejected_rows").forEach(r -> refused.add(r.get("line").asInt() + " " + r.get("code").asText()));
        assertThat(refused).containsExactly("3 BLANK_TEXT", "5 INVALID_JSON", "8 UNKNOWN_LANG", "10 INVALID_TYPE",
                "12 BLANK_TEXT");
        assertThat(summary.get("http_rejected").get("BLANK_TEXT").asInt()).isEqualTo(2);
    }

    private static <T> Iterable<T> iterable(final java.util.Iterator<T> it) {
        return () -> it;
    }
}
