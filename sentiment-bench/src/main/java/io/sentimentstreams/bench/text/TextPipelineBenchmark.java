package io.sentimentstreams.bench.text;

import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.text.Tokenizer;
import io.sentimentstreams.text.Encoding;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * <p>Run: {@code ./sentiment bench jmh [JMH options] TextPipelineBenchmark}.
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
        reviews = load(data.resolve(korean ? "nsmc/test.tsv.gz" : "imdb/test.tsv.gz"));
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

    private static List<String> load(final Path file) throws IOException {
        return DemoInput.read(file).stream().map(DemoInput::text).toList();
    }
}
