package io.sentimentstreams.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's input reader keeps every row, bad ones included, with its line number, for ingest to judge. */
class DemoInputTest {

    @TempDir
    Path dir;

    @Test
    void jsonlRowsIngestWouldRefuseAreKeptWithTheirLineAndSentAsWritten() throws Exception {
        final Path file = dir.resolve("in.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"id\":\"a\",\"text\":\"fine\",\"lang\":\"en\",\"label\":1}",
                "",
                "not json at all",
                "{\"text\":42,\"label\":0}",
                "{\"lang\":\"ko\"}",
                "[1,2]",
                "{\"text\":\"with attributes\",\"attributes\":{\"k\":\"v\"}}"), StandardCharsets.UTF_8);
        final List<DemoInput> rows = DemoInput.readEveryRow(file);
        assertThat(rows).extracting(DemoInput::line).containsExactly(1, 3, 4, 5, 6, 7);
        assertThat(DemoInput.read(file)).as("a corpus reader keeps only what ingest accepts as it is")
                .extracting(DemoInput::line).containsExactly(1);
        assertThat(rows.get(0)).isEqualTo(new DemoInput("a", "fine", "en", 1, 1, null));
        assertThat(rows.get(1).raw()).isEqualTo("not json at all");
        assertThat(rows.get(2).raw()).as("a non-string text goes as written, without the label")
                .isEqualTo("{\"text\":42,\"id\":\"line-4\"}");
        assertThat(rows.get(2).label()).isZero();
        assertThat(rows.get(3)).as("a missing text is sent without one")
                .isEqualTo(new DemoInput("line-5", null, "ko", null, 5, null));
        assertThat(rows.get(4).raw()).isEqualTo("[1,2]");
        assertThat(rows.get(5).raw()).contains("\"attributes\":{\"k\":\"v\"}");
    }

    @Test
    void delimitedRowsWithABlankOrMissingTextAreKept() throws Exception {
        final Path file = dir.resolve("in.tsv");
        Files.writeString(file, "id\tdocument\tlabel\nr1\tgood one\t1\nr2\t   \t0\nr3\n", StandardCharsets.UTF_8);
        final List<DemoInput> rows = DemoInput.readEveryRow(file);
        assertThat(DemoInput.read(file)).extracting(DemoInput::id).containsExactly("r1");
        assertThat(rows).containsExactly(new DemoInput("r1", "good one", null, 1, 2, null),
                new DemoInput("r2", "   ", null, 0, 3, null), new DemoInput("r3", null, null, null, 4, null));
    }

    @Test
    void cycledCopiesOfARowSentAsWrittenCarryTheirNewIdInsideTheJson() throws Exception {
        final Path file = dir.resolve("in.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"id\":\"a\",\"text\":\"with attributes\",\"attributes\":{\"k\":\"v\"}}",
                "not json at all",
                "{\"id\":7,\"text\":\"numeric id\"}"), StandardCharsets.UTF_8);
        final List<DemoInput> rows = DemoInput.readEveryRow(file);
        final List<DemoInput> taken = DemoInput.take(rows, 6, 1L);
        for (int i = 3; i < 6; i++) {
            final DemoInput copy = taken.get(i);
            final DemoInput original = taken.get(i - 3);
            assertThat(copy.id()).isEqualTo(original.id() + "-1");
            assertThat(copy.line()).isEqualTo(original.line());
            if (original.line() == 1) {
                final JsonNode json = Json.MAPPER.readTree(copy.raw());
                assertThat(json.get("id").asText()).as("the id inside the JSON is the copy's").isEqualTo("a-1");
                assertThat(json.get("attributes").get("k").asText()).isEqualTo("v");
                assertThat(json.get("text").asText()).isEqualTo("with attributes");
            } else {
                assertThat(copy.raw()).as("not a JSON object or no string id: sent as written again")
                        .isEqualTo(original.raw());
            }
        }
        assertThat(taken.subList(0, 3)).containsExactlyInAnyOrderElementsOf(rows);
    }

    @Test
    void cycledCopiesOfAPlainRowGetANewIdAndNoRaw() {
        final DemoInput plain = new DemoInput("p", "fine", "en", 1);
        assertThat(DemoInput.take(List.of(plain), 3, 1L)).containsExactly(plain,
                new DemoInput("p-1", "fine", "en", 1, 0, null), new DemoInput("p-2", "fine", "en", 1, 0, null));
    }
}
