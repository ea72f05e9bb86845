package io.sentimentstreams.bench;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.model.dl4j.Dl4jModel;
import io.sentimentstreams.model.fast.FastBiLstm;
import io.sentimentstreams.model.fast.VectorSupport;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * {@code ./sentiment bench inference}: the fast engine against ONNX Runtime (on an {@code OnnxExport}
 * of the same network, in two threadings) and DL4J (calling threads with their own network clone) on the same
 * rows, batch sizes 1..512, at full length T and at the real IMDB test length distribution, with an SGEMM
 * peak and a vector-FMA roofline measured in the same run; a table on stderr and one JSON line on stdout.
 */
public final class InferenceBench implements Command {

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("model", "seconds", "warmup", "batches", "engines", "lengths",
                "threads", "data", "rounds", "peak", "ids-below"), Set.of("help"));
        if (args.has("help")) {
            out.println("usage: ./sentiment bench inference [--model DIR] [--seconds 5] [--warmup 3]"
                    + " [--batches 1,8,32,128,512] [--engines fast,onnxruntime,dl4j] [--lengths full,imdb]"
                    + " [--threads 2] [--rounds 3] [--peak true] [--ids-below VOCAB] [--data ../shared/data]");
            out.println("  each cell's measured seconds are split into --rounds slices that alternate between the"
                    + " engines, so the ratios compare engines over the same stretch of time.");
            out.println("  without --model: random weights, embedding 20000x64, BiLSTM(64), max pooling, dense 64,"
                    + " T=200, masked. Run with OMP_NUM_THREADS=1 for DL4J's best threading.");
            out.println("  --model DIR of an imported bundle (./sentiment import): fast is FastRnnStack and onnxruntime"
                    + " runs the bundle's own graph; there is no dl4j.");
            out.println("  onnxruntime runs as THREADSx1 (one single-threaded session per caller) and 1xTHREADS (one"
                    + " session, THREADS intra-op threads); the ratios take the better one. fast-full-scan (with --model)"
                    + " is the fast engine without its padding prefix, every leading padding step run. --peak false skips the"
                    + " two peak measurements; --ids-below N draws the full-length ids from [2, N).");
            return 0;
        }
        if (!VectorSupport.available()) {
            err.println("bench inference: the JVM lacks jdk.incubator.vector (add --add-modules jdk.incubator.vector)");
            return 1;
        }
        final double seconds = args.getDouble("seconds", 5);
        final double warmup = args.getDouble("warmup", 3);
        final int rounds = Math.max(1, args.getInt("rounds", 3));
        final int threads = args.getInt("threads", 2);
        final int[] batches = Arrays.stream(args.get("batches", "1,8,32,128,512").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        final List<String> engines = List.of(args.get("engines", "fast,onnxruntime,dl4j").split(","));
        final String peakArg = args.get("peak", "true");
        if (!peakArg.equals("true") && !peakArg.equals("false")) {
            throw new UsageException("--peak must be true or false, got '" + peakArg + "'");
        }
        final boolean measurePeak = peakArg.equals("true");
        final List<String> lengths = List.of(args.get("lengths", "full,imdb").split(","));

        final Architecture a;
        final MultiLayerNetwork net;
        TextPipeline pipeline = null;
        byte[] onnx = null;
        final String modelName;
        byte[] importedOnnx = null;
        if (args.has("model")) {
            final ModelBundle bundle = ModelBundle.load(Path.of(args.require("model")));
            a = bundle.manifest().architecture();
            // An imported bundle has no DL4J network: fast is FastRnnStack, onnxruntime runs its own graph.
            importedOnnx = a.imported() ? java.nio.file.Files.readAllBytes(bundle.file(BundleManifest.ONNX)) : null;
            net = a.imported() ? null : Dl4jModel.load(bundle).network();
            final var cfg = bundle.manifest().pipeline().withDefaults();
            pipeline = TextPipeline.of(cfg, Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY), cfg.oovToken()));
            modelName = bundle.manifest().ref().toString();
            if (Files.isRegularFile(bundle.file(BundleManifest.ONNX))) {
                onnx = Files.readAllBytes(bundle.file(BundleManifest.ONNX));
            }
        } else {
            a = InferenceBenchmark.referenceArchitecture();
            net = InferenceBenchmark.randomNetwork(a, 42);
            modelName = "random emb 20000x64, BiLSTM(64), max, dense 64, T=200, masked";
        }
        err.printf("model: %s; engines %s; %d threads per engine; OMP_NUM_THREADS=%s; %d cores; load average %.1f%n",
                modelName, engines, threads, System.getenv("OMP_NUM_THREADS"), Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        final List<InferenceBenchmark.Contender> contenders = new ArrayList<>();
        final List<AutoCloseable> toClose = new ArrayList<>();
        for (final String e : engines) {
            switch (e.trim()) {
                case "fast" -> {
                    if (importedOnnx != null) {
                        final SentimentModel imported = io.sentimentstreams.model.fast.FastRnnStack.fromOnnx(importedOnnx, a);
                        toClose.add(imported);
                        contenders.add(new InferenceBenchmark.Contender("fast", 1, i -> imported));
                        continue;
                    }
                    final FastBiLstm fast = FastBiLstm.create(net, a, threads);
                    toClose.add(fast);
                    contenders.add(new InferenceBenchmark.Contender("fast", 1, i -> fast));
                }
                case "fast-full-scan" -> {
                    if (onnx == null || importedOnnx != null) {
                        throw new UsageException("fast-full-scan needs --model with one of our BiLSTM bundles (an"
                                + " imported graph has no padding prefix to switch off)");
                    }
                    final FastBiLstm full = FastBiLstm.fromOnnx(onnx, a, threads, false);
                    toClose.add(full);
                    contenders.add(new InferenceBenchmark.Contender("fast-full-scan", 1, i -> full));
                }
                case "dl4j" -> {
                    if (importedOnnx != null) {
                        throw new UsageException("an imported bundle has no DL4J network: use --engines fast,onnxruntime");
                    }
                    final SentimentModel[] clones = new SentimentModel[threads];
                    for (int i = 0; i < threads; i++) {
                        clones[i] = new Dl4jModel(net.clone(), a);
                    }
                    contenders.add(new InferenceBenchmark.Contender("dl4j", threads, i -> clones[i]));
                }
                case "onnxruntime" -> contenders.addAll(importedOnnx != null
                        ? OrtContenders.create(importedOnnx, threads, toClose) : OrtContenders.create(net, a, threads, toClose));
                default -> throw new UsageException("unknown engine '" + e + "' (fast, fast-full-scan, onnxruntime, dl4j)");
            }
        }
        final double peakSeconds = Math.max(2, seconds / 2);
        final double peak = measurePeak
                ? InferenceBenchmark.sgemmPeakGflops(new int[] {1024, 2048}, peakSeconds, threads) : 0;
        final double fmaPeak = measurePeak ? InferenceBenchmark.fmaPeakGflops(peakSeconds, threads) : 0;
        err.printf("SGEMM peak (1024^3 and 2048^3 through ND4J, best threading, same run): %.1f GFLOP/s;"
                + " vector FMA roofline: %.1f GFLOP/s%n", peak, fmaPeak);

        final Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("model", modelName);
        extra.put("threads_per_engine", threads);
        extra.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        List<InferenceBenchmark.Result> headline = null;
        final StringBuilder perLength = new StringBuilder();
        for (final String mode : lengths) {
            final int[][] pool;
            if ("imdb".equals(mode.trim())) {
                final Path data = Path.of(args.get("data", System.getProperty("sentiment.data.dir", "../shared/data")),
                        "imdb", "test.tsv.gz");
                pool = InferenceBenchmark.imdbRows(data, 2048, pipeline, a);
                if (pool == null) {
                    err.println("IMDB test set not found at " + data + "; skipping the real-length run");
                    continue;
                }
            } else {
                pool = InferenceBenchmark.rows(2048, a.maxlen(), args.getInt("ids-below", a.vocabSize()),
                        new int[] {a.maxlen()}, 7);
            }
            final double meanTokens = InferenceBenchmark.meanTokens(pool);
            err.printf("%n== lengths: %s (mean %.1f tokens of %d) ==%n", mode, meanTokens, a.maxlen());
            final var results = InferenceBenchmark.run(contenders, batches, pool, warmup, seconds, rounds,
                    InferenceBenchmark.recurrentFlops(a, meanTokens), peak, err);
            if (headline == null) {
                headline = results;
                extra.put("lengths", mode);
                extra.put("mean_tokens", meanTokens);
            } else {
                perLength.append(mode).append(' ').append(InferenceBenchmark.json(results, peak, fmaPeak, Map.of())).append('\n');
            }
        }
        for (final AutoCloseable c : toClose) {
            c.close();
        }
        if (perLength.length() > 0) {
            err.print(perLength);
        }
        out.println(InferenceBenchmark.json(headline == null ? List.of() : headline, peak, fmaPeak, extra));
        return 0;
    }
}
