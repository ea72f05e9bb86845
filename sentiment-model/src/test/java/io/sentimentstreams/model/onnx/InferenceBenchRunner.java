package io.sentimentstreams.model.onnx;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.model.fast.FastBiLstm;
import io.sentimentstreams.model.fast.InferenceBenchmark;
import io.sentimentstreams.model.dl4j.Dl4jModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Test-scope runner of {@link InferenceBenchmark} with ONNX Runtime as a third contender (ORT is a
 * test-only dependency). Run:
 * {@code MAVEN_OPTS="--add-modules jdk.incubator.vector" OMP_NUM_THREADS=1 mvn -o -q -pl sentiment-model
 * test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.sentimentstreams.model.onnx.InferenceBenchRunner -Dexec.args="--seconds 3"}; or plain {@code java} on the test classpath (BENCHMARKS.md has the command).
 */
public final class InferenceBenchRunner {

    private InferenceBenchRunner() {
    }

    public static void main(final String[] argv) throws Exception {
        final List<String> args = Arrays.asList(argv);
        final double seconds = Double.parseDouble(opt(args, "--seconds", "3"));
        final String engines = opt(args, "--engines", "fast,onnxruntime,dl4j");
        final int[] batches = Arrays.stream(opt(args, "--batches", "1,8,32,128,512").split(","))
                .mapToInt(Integer::parseInt).toArray();
        final Architecture a = InferenceBenchmark.referenceArchitecture();
        final MultiLayerNetwork net = InferenceBenchmark.randomNetwork(a, 42);
        final boolean imdb = "imdb".equals(opt(args, "--lengths", "full"));
        final int[][] pool = imdb
                ? InferenceBenchmark.imdbRows(java.nio.file.Path.of(opt(args, "--data", "../../shared/data"), "imdb",
                        "test.tsv.gz"), 2048, null, a)
                : InferenceBenchmark.rows(2048, a.maxlen(), Integer.parseInt(opt(args, "--ids-below", String.valueOf(a.vocabSize()))),
                        new int[] {a.maxlen()}, 7);
        final List<InferenceBenchmark.Contender> contenders = new ArrayList<>();
        final List<AutoCloseable> toClose = new ArrayList<>();
        for (final String e : engines.split(",")) {
            switch (e) {
                case "fast" -> {
                    final FastBiLstm fast = FastBiLstm.create(net, a);
                    toClose.add(fast);
                    contenders.add(new InferenceBenchmark.Contender("fast", 1, i -> fast));
                }
                case "dl4j" -> {
                    final SentimentModel[] nets = {new Dl4jModel(net.clone(), a), new Dl4jModel(net.clone(), a)};
                    contenders.add(new InferenceBenchmark.Contender("dl4j", 2, i -> nets[i]));
                }
                case "onnxruntime" -> contenders.addAll(OrtContenders.create(net, a, toClose));
                default -> throw new IllegalArgumentException("unknown engine " + e);
            }
        }
        // --peak false skips the two peak measurements (about 15 s) for quick A/B runs of the kernels.
        final boolean measurePeak = Boolean.parseBoolean(opt(args, "--peak", "true"));
        final double peak = measurePeak ? InferenceBenchmark.sgemmPeakGflops(new int[] {1024, 2048}, 3, 2) : 0;
        final double fmaPeak = measurePeak ? InferenceBenchmark.fmaPeakGflops(3, 2) : 0;
        System.err.printf("SGEMM peak (1024^3 and 2048^3, ND4J, best threading): %.1f GFLOP/s;"
                + " vector FMA roofline: %.1f GFLOP/s%n", peak, fmaPeak);
        final double meanTokens = InferenceBenchmark.meanTokens(pool);
        final double flops = InferenceBenchmark.recurrentFlops(a, meanTokens);
        final double warmup = Double.parseDouble(opt(args, "--warmup", "3"));
        final var results = InferenceBenchmark.run(contenders, batches, pool, warmup, seconds,
                Integer.parseInt(opt(args, "--rounds", "3")), flops, peak,
                System.err);
        final Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("model", "random emb 20000x64, BiLSTM(64), max, dense 64, T=200, masked");
        extra.put("lengths", imdb ? "imdb" : "full");
        extra.put("mean_tokens", meanTokens);
        extra.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        extra.put("threads_per_engine", 2);
        System.out.println(InferenceBenchmark.json(results, peak, fmaPeak, extra));
        for (final AutoCloseable c : toClose) {
            c.close();
        }
    }

    private static String opt(final List<String> args, final String name, final String dflt) {
        final int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : dflt;
    }
}
