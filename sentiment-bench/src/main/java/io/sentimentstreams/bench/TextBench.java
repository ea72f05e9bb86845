package io.sentimentstreams.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.Launcher;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.text.Tokenizer;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./sentiment bench text}: reviews/s of the whole per-record text path (normalize, split, tokenize,
 * clean, encode with a fitted vocabulary, pad) on one thread, per tokenizer, on reviews it has not seen:
 * the vocabulary is fitted on the first 2,000 training reviews, the JIT is warmed on training reviews, and
 * the clock runs over the test split in order (IMDB for the English tokenizers, NSMC for the Korean ones),
 * so no measured review repeats. Wall-clock and per-CPU-second rates; a table on stderr, one JSON line on
 * stdout. The JMH benchmark in sentiment-core ({@code TextPipelineBenchmark}) cycles over the test split
 * instead and so also measures repeats.
 */
public final class TextBench implements Command {

    private static final List<String> ENGLISH = List.of("treebank", "wordpunct", "keras");

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("tokenizers", "seconds", "warmup", "data-dir"), Set.of("help"));
        if (args.has("help")) {
            out.println("usage: ./sentiment bench text [--tokenizers treebank,wordpunct,keras,nori,okt]"
                    + " [--seconds 10] [--warmup 10] [--data-dir ../shared/data]");
            return 0;
        }
        final Path home = Launcher.home();
        final Path data = Path.of(args.get("data-dir", home.resolve("../shared/data").toString()));
        final double seconds = args.getDouble("seconds", 10);
        final double warmup = args.getDouble("warmup", 10);
        final ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("bench", "text");
        report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version"));
        report.put("load_average_before", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        final ArrayNode results = report.putArray("results");
        final Map<Path, List<String>> texts = new HashMap<>();
        err.printf("%-10s %-6s %10s %14s %10s %9s%n", "tokenizer", "corpus", "reviews/s", "reviews/CPU-s", "tokens/s",
                "measured");
        for (final String tokenizer : args.get("tokenizers", "treebank,wordpunct,keras,nori,okt").split(",")) {
            final String tok = tokenizer.trim();
            final boolean english = ENGLISH.contains(tok);
            final String corpus = english ? "imdb" : "nsmc";
            final Path train = data.resolve(corpus).resolve("train.tsv.gz");
            final Path test = data.resolve(corpus).resolve("test.tsv.gz");
            if (!Files.isRegularFile(train) || !Files.isRegularFile(test)) {
                err.printf("%-10s skipped: %s or %s not found (--data-dir)%n", tok, train, test);
                continue;
            }
            // The three English tokenizers share IMDB: each split is read and unzipped once per run.
            final List<String> trainTexts = texts.computeIfAbsent(train, TextBench::readTexts);
            final List<String> testTexts = texts.computeIfAbsent(test, TextBench::readTexts);
            if (trainTexts.isEmpty() || testTexts.isEmpty()) {
                err.printf("%-10s skipped: %s or %s has no reviews%n", tok, train, test);
                continue;
            }
            final PipelineConfig base = english ? PipelineConfig.englishDefaults() : PipelineConfig.koreanDefaults();
            final PipelineConfig config = base.toBuilder().tokenizer(Tokenizer.of(tok)).build();
            final Vocabulary vocabulary = TextPipeline.of(config)
                    .fit(trainTexts.subList(0, Math.min(2000, trainTexts.size()))).vocabulary();
            final TextPipeline pipeline = TextPipeline.of(config, vocabulary);
            long sink = 0;
            final long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
            // Warm up on the training reviews after the ones the vocabulary saw (all of them if there are few).
            for (int i = Math.min(2000, trainTexts.size()) % trainTexts.size(); System.nanoTime() < warmEnd;
                    i = i + 1 < trainTexts.size() ? i + 1 : 0) {
                sink += pipeline.encode(trainTexts.get(i)).tokenCount();
            }
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            final long end = System.nanoTime() + (long) (seconds * 1e9);
            final long t0 = System.nanoTime();
            final long c0 = threads.getCurrentThreadCpuTime();
            int n = 0;
            long tokens = 0;
            while (n < testTexts.size() && System.nanoTime() < end) {
                tokens += pipeline.encode(testTexts.get(n)).tokenCount();
                n++;
            }
            final double wall = (System.nanoTime() - t0) / 1e9;
            final double cpu = (threads.getCurrentThreadCpuTime() - c0) / 1e9;
            sink += tokens;
            err.printf("%-10s %-6s %,10.0f %,14.0f %,10.0f %,9d%n", tok, corpus, n / wall, n / cpu, tokens / wall, n);
            final ObjectNode r = results.addObject();
            r.put("tokenizer", tok);
            r.put("corpus", corpus + "/test");
            r.put("reviews", n);
            r.put("reviews_per_s", Math.round(n / wall));
            r.put("reviews_per_cpu_s", Math.round(n / cpu));
            r.put("tokens_per_s", Math.round(tokens / wall));
            if (sink == Long.MIN_VALUE) {
                err.println(); // keeps the JIT from dropping the work
            }
        }
        report.put("load_average_after", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.println(Json.write(report));
        return 0;
    }

    private static List<String> readTexts(final Path file) {
        try {
            return DemoInput.read(file).stream().map(DemoInput::text).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
