package io.sentimentstreams.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.cli.run.Launcher;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.trainer.EvaluateJob;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code ./sentiment bench memory}: resident memory of this JVM before a model is loaded, after the
 * engine is chosen (DL4J restore + canary, as the services load it), and after scoring reviews through it,
 * with the heap and the native memory JavaCPP tracks beside it. The figure the issue asks for is the RSS
 * of an engine with the default English model loaded, so the JVM should run with a service-sized heap,
 * e.g. {@code SENTIMENT_JAVA_OPTS="-Xmx256m" ./sentiment bench memory}. A bundle with {@code canary.tsv} loads
 * without DL4J (docs/engine.md); {@code --engine dl4j} shows the footprint of the DL4J reference.
 */
public final class MemoryBench implements Command {

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("model", "engine", "reviews", "data-dir"),
                Set.of("help", "live-canary"));
        if (args.has("help")) {
            out.println("usage: ./sentiment bench memory [--model models/imdb-en] [--engine fast|dl4j]"
                    + " [--reviews 2000] [--data-dir ../shared/data] [--live-canary]");
            out.println("  --live-canary: check the fast engine against a restored DL4J network even when the bundle has"
                    + " canary.tsv (the path older bundles take)");
            out.println("  run with a service-sized heap: SENTIMENT_JAVA_OPTS=\"-Xmx256m\" ./sentiment bench memory");
            return 0;
        }
        final Path home = Launcher.home();
        final Path modelDir = Path.of(args.get("model", home.resolve("models/imdb-en").toString()));
        final EngineChoice choice = EngineChoice.parse(args.get("engine", "fast"));
        final int n = args.getInt("reviews", 2000);
        final Path imdb = Path.of(args.get("data-dir", home.resolve("../shared/data").toString()), "imdb",
                "test.tsv.gz");
        // Only the reviews to score stay reachable: the whole corpus would add ~50 MB of heap to every phase.
        final List<String> texts = DemoInput.take(Files.isRegularFile(imdb) ? DemoInput.read(imdb)
                : DemoInput.sample(), n, 42).stream().map(DemoInput::text).toList();
        System.gc();

        final ObjectNode report = Json.MAPPER.createObjectNode();
        report.put("bench", "memory");
        report.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        report.put("reviews", texts.size());
        report.put("corpus", Files.isRegularFile(imdb) ? imdb.toString() : "built-in sample");
        snapshot("before_load", report, err);
        final ModelBundle bundle = ModelBundle.load(modelDir);
        try (LoadedModel model = args.has("live-canary")
                ? Engines.load(bundle, choice, io.sentimentstreams.model.Canary.inputs(bundle,
                        io.sentimentstreams.model.Canary.DEFAULT_REVIEWS))
                : Engines.load(bundle, choice)) {
            report.put("model", bundle.manifest().ref().toString());
            report.put("engine", model.engine());
            report.put("canary", model.canary().reason());
            snapshot("after_load", report, err);
            final TextPipeline pipeline = EvaluateJob.pipeline(bundle);
            final int batch = 64;
            for (int i = 0; i < texts.size(); i += batch) {
                final int end = Math.min(texts.size(), i + batch);
                final int[][] rows = new int[end - i][];
                for (int k = i; k < end; k++) {
                    rows[k - i] = pipeline.encode(texts.get(k)).ids();
                }
                model.score(rows);
            }
            snapshot("after_scoring", report, err);
            System.gc();
            snapshot("after_gc", report, err);
        }
        out.println(Json.write(report));
        return 0;
    }

    private static void snapshot(final String phase, final ObjectNode report, final PrintStream err) {
        final ProcessStats stats = ProcessStats.of(ProcessHandle.current().pid());
        final long rss = stats.rssMb();
        final long anon = stats.rssAnonMb();
        final long file = stats.rssFileMb();
        final MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        final long heap = mem.getHeapMemoryUsage().getUsed() >> 20;
        final long nonHeap = mem.getNonHeapMemoryUsage().getUsed() >> 20;
        final long javacpp = org.bytedeco.javacpp.Pointer.totalBytes() >> 20;
        err.printf("%-14s RSS %5d MB (anon %5d, file %5d)   heap used %5d MB   non-heap %4d MB   JavaCPP native %4d MB%n",
                phase, rss, anon, file, heap, nonHeap, javacpp);
        final ObjectNode p = report.putObject(phase);
        p.put("rss_mb", rss);
        p.put("rss_anon_mb", anon);
        p.put("rss_file_mb", file);
        p.put("heap_used_mb", heap);
        p.put("non_heap_mb", nonHeap);
        p.put("javacpp_native_mb", javacpp);
    }
}
