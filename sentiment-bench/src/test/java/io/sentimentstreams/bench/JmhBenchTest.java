package io.sentimentstreams.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.cli.UsageException;
import java.io.ByteArrayOutputStream;
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

/** {@code bench jmh}: the harness JMH generated at compile time is found, runs, and bad options are refused. */
class JmhBenchTest {

    @TempDir
    Path data;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... args) throws Exception {
        return new JmhBench().run(List.of(args), InputStream.nullInputStream(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void listsTheModulesBenchmarks() throws Exception {
        assertThat(run("-l")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("io.sentimentstreams.bench.text.TextPipelineBenchmark.encodeOneReview");
    }

    @Test
    void runsTheTextPipelineBenchmarkOnTheGivenCorpus() throws Exception {
        Files.createDirectories(data.resolve("imdb"));
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(data.resolve("imdb/test.tsv.gz")))) {
            final StringBuilder sb = new StringBuilder("label\ttext\tid\n");
            for (int i = 0; i < 50; i++) {
                sb.append(i % 2).append("\tA film, number ").append(i).append(". Don't miss it!\tt").append(i)
                        .append('\n');
            }
            o.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        final String before = System.getProperty("sentiment.data.dir");
        System.setProperty("sentiment.data.dir", data.toString());
        try {
            // In this JVM (-f 0) and briefly: this checks the harness, not the figure.
            assertThat(run("-f", "0", "-wi", "0", "-i", "1", "-r", "200ms", "-p", "tokenizer=keras",
                    "TextPipelineBenchmark")).as(err.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            if (before == null) {
                System.clearProperty("sentiment.data.dir");
            } else {
                System.setProperty("sentiment.data.dir", before);
            }
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .containsPattern("TextPipelineBenchmark\\.encodeOneReview\\s+keras\\s+thrpt");
    }

    @Test
    void aBadJmhOptionIsAUsageError() {
        assertThatThrownBy(() -> run("-wi", "many")).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("bad JMH option:");
    }
}
