package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench text} on small corpora the test writes: one result per tokenizer, every test review measured. */
class TextBenchTest {

    @TempDir
    Path data;

    @Test
    void measuresEachTokenizerOverTheWholeTestSplitAndSkipsMissingCorpora() throws Exception {
        write(data.resolve("imdb/train.tsv.gz"), "label\ttext\tid", 30,
                i -> "1\tA fine film, number " + i + ". Don't miss it!<br /><br />Really.\tr" + i);
        write(data.resolve("imdb/test.tsv.gz"), "label\ttext\tid", 12,
                i -> "0\tThe worst movie " + i + " I've seen; Mr. Smith agrees.\tt" + i);
        write(data.resolve("nsmc/train.tsv.gz"), "id\tdocument\tlabel", 30, i -> i + "\t정말 재미있는 영화였어요 " + i + "\t1");
        write(data.resolve("nsmc/test.tsv.gz"), "id\tdocument\tlabel", 9, i -> (100 + i) + "\t지루하고 별로였다 " + i + "\t0");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = new TextBench().run(List.of("--data-dir", data.toString(), "--tokenizers",
                        "treebank,wordpunct,nori", "--seconds", "5", "--warmup", "0.2"), InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        final JsonNode report = Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(report.get("results")).hasSize(3);
        for (final JsonNode r : report.get("results")) {
            final boolean korean = r.get("tokenizer").asText().equals("nori");
            assertThat(r.get("corpus").asText()).isEqualTo(korean ? "nsmc/test" : "imdb/test");
            assertThat(r.get("reviews").asInt()).isEqualTo(korean ? 9 : 12);
            assertThat(r.get("reviews_per_s").asLong()).isPositive();
            assertThat(r.get("tokens_per_s").asLong()).isPositive();
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("treebank", "wordpunct", "nori");

        Files.delete(data.resolve("nsmc/test.tsv.gz"));
        out.reset();
        err.reset();
        assertThat(new TextBench().run(List.of("--data-dir", data.toString(), "--tokenizers", "okt"),
                InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("okt", "skipped", "not found");
        assertThat(Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8)).get("results")).isEmpty();
    }

    private static void write(final Path file, final String header, final int n,
                              final java.util.function.IntFunction<String> row) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
            final StringBuilder sb = new StringBuilder(header).append('\n');
            for (int i = 0; i < n; i++) {
                sb.append(row.apply(i)).append('\n');
            }
            o.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
