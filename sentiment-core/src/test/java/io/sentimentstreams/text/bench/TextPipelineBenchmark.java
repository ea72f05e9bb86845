package io.sentimentstreams.text.bench;

import io.sentimentstreams.text.Tokenizer;
import io.sentimentstreams.text.Encoding;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reviews per second on one thread for the whole per-record path of preprocess-service: normalize, split
 * sentences (English), tokenize, clean, encode with a fitted vocabulary, pad. One operation is one review,
 * taken in turn from the IMDB test split ({@code imdb/test.tsv.gz}, English tokenizers) or the NSMC test
 * split ({@code nsmc/test.tsv.gz}, Korean tokenizers). The vocabulary is fitted beforehand on the first
 * 2,000 reviews of the same split (fitting is not measured).
 *
 * <p>Run: {@code mvn -B -o -q test-compile -pl sentiment-core && java -cp "$(cat /tmp/bench-cp.txt)"
 * io.sentimentstreams.text.bench.TextPipelineBenchmark} (see docs/preprocessing.md for the classpath line).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TextPipelineBenchmark {

    @Param({"treebank", "wordpunct", "keras", "nori", "okt"})
    public String tokenizer;

    private List<String> reviews;
    private TextPipeline pipeline;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        final boolean korean = tokenizer.equals("nori") || tokenizer.equals("okt");
        final Path data = Path.of(System.getProperty("sentiment.data.dir", "../shared/data"));
        reviews = load(korean ? data.resolve("nsmc/test.tsv.gz") : data.resolve("imdb/test.tsv.gz"), korean ? 1 : 1);
        final PipelineConfig base = korean ? PipelineConfig.koreanDefaults() : PipelineConfig.englishDefaults();
        final PipelineConfig config = base.toBuilder().tokenizer(Tokenizer.of(tokenizer)).build();
        final Vocabulary vocabulary = TextPipeline.of(config).fit(reviews.subList(0, Math.min(2000, reviews.size())))
                .vocabulary();
        pipeline = TextPipeline.of(config, vocabulary);
    }

    @Benchmark
    public Encoding encodeOneReview() {
        final String review = reviews.get(next);
        next = next + 1 == reviews.size() ? 0 : next + 1;
        return pipeline.encode(review);
    }

    static List<String> load(final Path file, final int column) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("corpus not found: " + file + " (set -Dsentiment.data.dir)");
        }
        final List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                final String[] f = line.split("\t", -1);
                if (f.length > column) {
                    out.add(f[column]);
                }
            }
        }
        return out;
    }

    /** Runs the benchmark with JMH's command line (defaults: 1 fork, 2 warm-up and 3 measured 10 s iterations). */
    public static void main(final String[] args) throws Exception {
        final String[] defaults = {"-f", "1", "-wi", "2", "-w", "10s", "-i", "3", "-r", "10s", "-t", "1",
            TextPipelineBenchmark.class.getName()};
        org.openjdk.jmh.Main.main(args.length == 0 ? defaults : args);
    }
}
