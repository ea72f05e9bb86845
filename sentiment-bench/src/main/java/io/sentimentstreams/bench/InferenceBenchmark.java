package io.sentimentstreams.bench;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.model.fast.VectorSupport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The inference benchmark behind BENCHMARKS.md: engines (each with its own calling threads) × batch sizes
 * over the same id rows, giving reviews/s, per-batch latency percentiles, effective GFLOP/s and the
 * fraction of an SGEMM peak measured in the same run, and the JSON line of {@code ./sentiment bench inference}.
 */
public final class InferenceBenchmark {

    /** An engine under test: {@code callers} threads, each scoring through {@code modelFor(i)}. */
    public record Contender(String name, int callers, IntFunction<SentimentModel> modelFor) {
    }

    /** One measured cell of the table. */
    public record Result(String engine, int batch, double reviewsPerSec, double p50Ms, double p99Ms, double gflops,
                         double fractionOfPeak, long batches, double reviewsPerCpuSec) {
    }

    private InferenceBenchmark() {
    }

    /**
     * The reference shape: embedding 20k×64 → BiLSTM(64) → max pooling → dense 64 relu → softmax,
     * T=200, masked, with random N(0, 0.1) weights (timing does not depend on the values).
     */
    public static Architecture referenceArchitecture() {
        return new Architecture("bilstm", 20_000, 64, 64, Pooling.MAX, 64, "relu", "softmax2", true, 200);
    }

    public static MultiLayerNetwork randomNetwork(final Architecture a, final long seed) {
        final var list = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(a.vocabSize()).nOut(a.embeddingDim())
                        .inputLength(a.maxlen()).hasBias(false).build())
                .layer(new Bidirectional(Bidirectional.Mode.CONCAT, new LSTM.Builder().nIn(a.embeddingDim())
                        .nOut(a.hiddenSize()).activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
                        .build()))
                .layer(new GlobalPoolingLayer.Builder(a.pooling() == Pooling.MEAN ? PoolingType.AVG : PoolingType.MAX)
                        .build());
        int width = 2 * a.hiddenSize();
        if (a.denseSize() > 0) {
            list.layer(new DenseLayer.Builder().nIn(width).nOut(a.denseSize()).activation(Activation.RELU).build());
            width = a.denseSize();
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(width).nOut(2)
                .activation(Activation.SOFTMAX).build());
        final MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        final SplittableRandom r = new SplittableRandom(seed);
        final float[] v = new float[(int) net.numParams()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * 0.17);
        }
        net.setParams(Nd4j.createFromArray(v).reshape(1, v.length));
        return net;
    }

    /** Rows of {@code maxlen} ids, pre-padded, with the given lengths cycled, ids Zipf-ish in [2, vocab). */
    public static int[][] rows(final int n, final int maxlen, final int vocab, final int[] lengths, final long seed) {
        final SplittableRandom r = new SplittableRandom(seed);
        final int[][] ids = new int[n][maxlen];
        for (int i = 0; i < n; i++) {
            final int len = Math.min(maxlen, lengths[i % lengths.length]);
            for (int k = 0; k < len; k++) {
                ids[i][maxlen - len + k] = Math.min(vocab - 1, 2 + (int) Math.exp(r.nextDouble() * Math.log(vocab)));
            }
        }
        return ids;
    }

    /**
     * Id rows of the first {@code n} reviews of an IMDB-format TSV(.gz) ({@code label<TAB>text<TAB>id}),
     * encoded by {@code pipeline} (which carries the bundle's vocabulary) or, without one, random ids at
     * the real token counts of the English default pipeline. Null when the file is absent.
     */
    public static int[][] imdbRows(final java.nio.file.Path tsv, final int n, final io.sentimentstreams.text.TextPipeline
            pipeline, final Architecture a) throws java.io.IOException {
        if (!java.nio.file.Files.isRegularFile(tsv)) {
            return null;
        }
        final io.sentimentstreams.text.TextPipeline p = pipeline != null ? pipeline
                : io.sentimentstreams.text.TextPipeline.of(io.sentimentstreams.text.PipelineConfig.englishDefaults());
        final List<int[]> rows = new ArrayList<>();
        final SplittableRandom r = new SplittableRandom(11);
        try (java.io.InputStream raw = java.nio.file.Files.newInputStream(tsv);
             java.io.InputStream in = tsv.toString().endsWith(".gz") ? new java.util.zip.GZIPInputStream(raw) : raw;
             java.io.BufferedReader br = new java.io.BufferedReader(
                     new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
            br.readLine();
            String line;
            while (rows.size() < n && (line = br.readLine()) != null) {
                final String[] f = line.split("\t", 3);
                if (f.length < 2) {
                    continue;
                }
                if (pipeline != null) {
                    rows.add(pipeline.encode(f[1]).ids());
                } else {
                    final int len = Math.min(a.maxlen(), p.tokenize(f[1]).size());
                    rows.add(rows(1, a.maxlen(), a.vocabSize(), new int[] {len}, r.nextLong())[0]);
                }
            }
        }
        return rows.toArray(new int[0][]);
    }

    /** Mean number of non-padding ids per row. */
    public static double meanTokens(final int[][] rows) {
        long n = 0;
        for (final int[] row : rows) {
            for (final int id : row) {
                if (id != 0) {
                    n++;
                }
            }
        }
        return (double) n / rows.length;
    }

    /** FLOPs per review that no folding removes: the recurrent product, 2·4H·H per real token per direction. */
    public static double recurrentFlops(final Architecture a, final double meanTokens) {
        final int dirs = "bilstm".equals(a.type()) ? 2 : 1;
        return 2.0 * 4 * a.hiddenSize() * a.hiddenSize() * meanTokens * dirs;
    }

    /**
     * Single-precision GEMM peak of this machine as ND4J's BLAS delivers it: large n×n SGEMMs for every
     * size given, once as one call with the BLAS threading at {@code threads} and once as {@code threads}
     * concurrent single-threaded calls; the best rate counts. The BLAS thread count is restored.
     */
    public static double sgemmPeakGflops(final int[] sizes, final double seconds, final int threads)
            throws Exception {
        final org.nd4j.linalg.api.blas.Blas blas = Nd4j.factory().blas();
        final int blasThreads = blas.getMaxThreads();
        double best = 0;
        try {
            for (final int n : sizes) {
                final INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
                final INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
                final double flops = 2.0 * n * n * n;
                a.mmul(b); // warm-up: BLAS initialisation and page faults
                for (final int callers : new int[] {1, threads}) {
                    blas.setMaxThreads(callers == 1 ? threads : 1);
                    best = Math.max(best, flops * concurrentRounds(callers, seconds, () -> a.mmul(b)) / 1e9);
                }
            }
        } finally {
            blas.setMaxThreads(blasThreads);
        }
        return best;
    }

    /**
     * FMA-throughput roofline of the JVM's own vector code on {@code threads} threads: register-only vector
     * FMAs, 2 FLOPs per lane. Nothing computing through {@code jdk.incubator.vector} can beat it; 0 when the
     * module is absent.
     */
    public static double fmaPeakGflops(final double seconds, final int threads) throws Exception {
        if (!VectorSupport.available()) {
            return 0;
        }
        final long rounds = 1_000_000;
        final double flopsPerCall = FmaRoofline.flopsPerRound() * rounds;
        for (int i = 0; i < 20_000; i++) {
            FmaRoofline.fmaThroughput(100); // short calls, so C2 compiles the method itself, not an OSR loop
        }
        final float[] sink = new float[1];
        final double rate = concurrentRounds(threads, seconds, () -> sink[0] += FmaRoofline.fmaThroughput(rounds));
        return rate * flopsPerCall / 1e9;
    }

    /** Calls of {@code work} per second when {@code callers} threads repeat it for {@code seconds}. */
    private static double concurrentRounds(final int callers, final double seconds, final Runnable work)
            throws InterruptedException {
        final AtomicLong done = new AtomicLong();
        final CountDownLatch finished = new CountDownLatch(callers);
        final long t0 = System.nanoTime();
        final long end = t0 + (long) (seconds * 1e9);
        for (int c = 0; c < callers; c++) {
            final Thread t = new Thread(() -> {
                do {
                    work.run();
                    done.incrementAndGet();
                } while (System.nanoTime() < end);
                finished.countDown();
            });
            t.setDaemon(true);
            t.start();
        }
        finished.await();
        return done.get() / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * Runs every contender over every batch size: {@code warmup} seconds unmeasured, then {@code seconds}
     * measured per cell, split into {@code rounds} slices that alternate between the contenders (A, B, C,
     * A, B, C, ...), so a slow spell of this shared machine falls on all of them rather than on whichever
     * happened to run then; each caller thread takes consecutive slices of {@code pool}.
     */
    public static List<Result> run(final List<Contender> contenders, final int[] batches, final int[][] pool,
            final double warmup, final double seconds, final int rounds, final double flopsPerReview,
            final double peakGflops, final PrintStream log) throws Exception {
        final List<Result> results = new ArrayList<>();
        for (final Contender c : contenders) {
            // Warm-up is counted in CPU seconds of the calling threads, not wall time: on a loaded machine a
            // wall-clock warm-up can end before the JIT has compiled the hot loops.
            measure(c, 32, pool, 0, warmup);
        }
        for (final int batch : batches) {
            final List<List<Sample>> samples = new ArrayList<>();
            for (final Contender c : contenders) {
                measure(c, batch, pool, 0, warmup / 4);
                samples.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < contenders.size(); i++) {
                    samples.get(i).add(measure(contenders.get(i), batch, pool, seconds / rounds, 0));
                }
            }
            for (int i = 0; i < contenders.size(); i++) {
                final Contender c = contenders.get(i);
                final Result full = combine(c.name(), batch, samples.get(i), flopsPerReview, peakGflops);
                results.add(full);
                log.printf(Locale.ROOT, "%-22s batch %4d: %9.0f reviews/s  p50 %8.3f ms  p99 %8.3f ms  %6.1f GFLOP/s"
                        + "  %5.1f%% of peak  %8.0f reviews/CPU-s  (%d batches)%n", c.name(), batch,
                        full.reviewsPerSec(), full.p50Ms(), full.p99Ms(), full.gflops(), 100 * full.fractionOfPeak(),
                        full.reviewsPerCpuSec(), full.batches());
            }
        }
        return results;
    }

    /** What one measuring slice saw: every call's latency, the calls, its wall and process-CPU seconds. */
    private record Sample(long[] latencies, int calls, double seconds, double cpuSeconds) {
    }

    private static Result combine(final String name, final int batch, final List<Sample> samples,
            final double flopsPerReview, final double peakGflops) {
        int calls = 0;
        double secs = 0;
        double cpuSecs = 0;
        for (final Sample s : samples) {
            calls += s.calls();
            secs += s.seconds();
            cpuSecs += s.cpuSeconds();
        }
        final long[] all = new long[calls];
        int k = 0;
        for (final Sample s : samples) {
            System.arraycopy(s.latencies(), 0, all, k, s.calls());
            k += s.calls();
        }
        Arrays.sort(all);
        final double rate = (double) calls * batch / secs;
        final double gflops = rate * flopsPerReview / 1e9;
        return new Result(name, batch, rate, all[(int) (0.5 * (calls - 1))] / 1e6, all[(int) (0.99 * (calls - 1))] / 1e6,
                gflops, peakGflops > 0 ? gflops / peakGflops : Double.NaN, calls,
                cpuSecs > 0 ? (double) calls * batch / cpuSecs : Double.NaN);
    }

    private static Sample measure(final Contender c, final int batch, final int[][] pool, final double seconds,
            final double cpuSeconds) throws Exception {
        final int callers = c.callers();
        final long[][] lat = new long[callers][];
        final int[] counts = new int[callers];
        final Throwable[] errors = new Throwable[callers];
        final Thread[] threads = new Thread[callers];
        final long t0 = System.nanoTime();
        final long end = t0 + (long) (Math.max(seconds, 30 * cpuSeconds) * 1e9);
        final long cpuBudget = (long) (cpuSeconds * 1e9);
        final long processCpu0 = processCpuNanos();
        final var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < callers; i++) {
            final int me = i;
            threads[i] = new Thread(() -> {
                try {
                    final long cpu0 = mx.getCurrentThreadCpuTime();
                    final SentimentModel m = c.modelFor().apply(me);
                    long[] l = new long[1024];
                    int n = 0;
                    int at = (me * pool.length / callers / batch) * batch;
                    final int[][] slice = new int[batch][];
                    while (n == 0 || System.nanoTime() < end
                            && (cpuBudget == 0 || mx.getCurrentThreadCpuTime() - cpu0 < cpuBudget)) {
                        for (int k = 0; k < batch; k++) {
                            slice[k] = pool[(at + k) % pool.length];
                        }
                        at = (at + batch) % pool.length;
                        final long s = System.nanoTime();
                        m.score(slice);
                        if (n == l.length) {
                            l = Arrays.copyOf(l, 2 * n);
                        }
                        l[n++] = System.nanoTime() - s;
                    }
                    lat[me] = l;
                    counts[me] = n;
                } catch (Throwable e) {
                    errors[me] = e;
                }
            }, "bench-" + c.name() + "-" + i);
            threads[i].start();
        }
        for (final Thread t : threads) {
            t.join();
        }
        final double secs = (System.nanoTime() - t0) / 1e9;
        final double cpuSecs = (processCpuNanos() - processCpu0) / 1e9;
        for (final Throwable e : errors) {
            if (e != null) {
                throw new IllegalStateException(c.name() + " failed: " + e, e);
            }
        }
        int total = 0;
        for (final int n : counts) {
            total += n;
        }
        final long[] all = new long[total];
        int k = 0;
        for (int i = 0; i < callers; i++) {
            System.arraycopy(lat[i], 0, all, k, counts[i]);
            k += counts[i];
        }
        return new Sample(all, total, secs, cpuSecs);
    }

    /**
     * CPU time of the whole process (Java and native threads: OpenMP, ONNX Runtime). Reviews per CPU-second
     * is the figure that survives a shared, loaded machine; wall-clock reviews/s does not.
     */
    static long processCpuNanos() {
        final var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    /** The final JSON line: every cell plus the headline ratios (null when an engine was not run). */
    public static String json(final List<Result> results, final double peakGflops, final double fmaPeakGflops,
            final Map<String, Object> extra) {
        final Map<String, Object> top = new LinkedHashMap<>(extra);
        top.put("sgemm_peak_gflops", round(peakGflops));
        top.put("fma_peak_gflops", round(fmaPeakGflops));
        top.put("fast_vs_ort_b32", ratio(results, "fast", "onnxruntime", 32));
        top.put("fast_vs_ort_b128", ratio(results, "fast", "onnxruntime", 128));
        top.put("fast_vs_dl4j_b32", ratio(results, "fast", "dl4j", 32));
        top.put("fast_vs_full_scan_b128", ratio(results, "fast", "fast-full-scan", 128));
        top.put("fast_vs_dl4j_b128", ratio(results, "fast", "dl4j", 128));
        top.put("fast_vs_ort_b32_per_cpu", cpuRatio(results, "fast", "onnxruntime", 32));
        top.put("fast_vs_ort_b128_per_cpu", cpuRatio(results, "fast", "onnxruntime", 128));
        top.put("fast_vs_dl4j_b32_per_cpu", cpuRatio(results, "fast", "dl4j", 32));
        top.put("fast_fraction_of_peak_b128", find(results, "fast", 128) == null ? null
                : round(find(results, "fast", 128).fractionOfPeak()));
        top.put("fast_fraction_of_fma_peak_b128", find(results, "fast", 128) == null || fmaPeakGflops <= 0 ? null
                : round(find(results, "fast", 128).gflops() / fmaPeakGflops));
        final StringBuilder sb = new StringBuilder("{");
        for (final Map.Entry<String, Object> e : top.entrySet()) {
            sb.append('"').append(e.getKey()).append("\":");
            appendValue(sb, e.getValue());
            sb.append(',');
        }
        sb.append("\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            final Result r = results.get(i);
            sb.append(String.format(Locale.ROOT, "%s{\"engine\":\"%s\",\"batch\":%d,\"reviews_per_s\":%.1f,"
                    + "\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"gflops\":%.2f,\"fraction_of_peak\":%s,"
                    + "\"reviews_per_cpu_s\":%s}",
                    i == 0 ? "" : ",", r.engine(), r.batch(), r.reviewsPerSec(), r.p50Ms(), r.p99Ms(), r.gflops(),
                    number("%.4f", r.fractionOfPeak()), number("%.1f", r.reviewsPerCpuSec())));
        }
        return sb.append("]}").toString();
    }

    /** JSON has no NaN: a figure that was not measured (no peak, no process CPU time) is null. */
    private static String number(final String format, final double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, format, v);
    }

    private static void appendValue(final StringBuilder sb, final Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Number) {
            sb.append(v);
        } else {
            sb.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
    }

    private static Result find(final List<Result> results, final String prefix, final int batch) {
        Result best = null;
        for (final Result r : results) {
            if (r.batch() == batch && (r.engine().equals(prefix) || r.engine().startsWith(prefix + " "))
                    && (best == null || r.reviewsPerSec() > best.reviewsPerSec())) {
                best = r;
            }
        }
        return best;
    }

    private static Double ratio(final List<Result> results, final String a, final String b, final int batch) {
        final Result ra = find(results, a, batch);
        final Result rb = find(results, b, batch);
        return ra == null || rb == null ? null : round(ra.reviewsPerSec() / rb.reviewsPerSec());
    }

    private static Double cpuRatio(final List<Result> results, final String a, final String b, final int batch) {
        Result ra = null;
        Result rb = null;
        for (final Result r : results) {
            if (r.batch() != batch) {
                continue;
            }
            if ((r.engine().equals(a) || r.engine().startsWith(a + " "))
                    && (ra == null || r.reviewsPerCpuSec() > ra.reviewsPerCpuSec())) {
                ra = r;
            }
            if ((r.engine().equals(b) || r.engine().startsWith(b + " "))
                    && (rb == null || r.reviewsPerCpuSec() > rb.reviewsPerCpuSec())) {
                rb = r;
            }
        }
        return ra == null || rb == null ? null : round(ra.reviewsPerCpuSec() / rb.reviewsPerCpuSec());
    }

    private static Double round(final double v) {
        return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
    }
}
