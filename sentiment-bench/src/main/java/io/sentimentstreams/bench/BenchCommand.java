package io.sentimentstreams.bench;

import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code ./sentiment bench NAME ...} in, the exit code of the benchmark behind one section of BENCHMARKS.md
 * out. {@code Main} finds this class by name, so the CLI has no compile-time dependency on this module.
 */
public final class BenchCommand implements Command {

    private record Bench(Supplier<Command> create, String summary) {
    }

    private static final Map<String, Bench> BENCHES = new LinkedHashMap<>();

    static {
        BENCHES.put("text", new Bench(TextBench::new,
                "text pipeline reviews/s per tokenizer on one core (IMDB, NSMC)"));
        BENCHES.put("inference", new Bench(InferenceBench::new,
                "fast vs ONNX Runtime vs DL4J engines, batch sizes, fraction of SGEMM peak"));
        BENCHES.put("memory", new Bench(MemoryBench::new,
                "resident memory of a JVM serving the default English model (before/after load and scoring)"));
        BENCHES.put("preprocess", new Bench(PreprocessBench::new,
                "preprocess-service on the real broker vs the text pipeline alone"));
        BENCHES.put("e2e", new Bench(EndToEndBench::new,
                "whole system throughput, latency, CPU per review and efficiency vs Kafka's own relay, accuracy"));
        BENCHES.put("fuzz", new Bench(FuzzBench::new,
                "10,000 malformed inputs over HTTP and reviews.inbound mixed with valid reviews"));
        BENCHES.put("faults", new Bench(FaultsBench::new,
                "kill -9 / restart / bad input / scale-out-in / kill in a rebalance: lost, duplicated, "
                        + "mismatched, longest stall"));
        BENCHES.put("jmh", new Bench(JmhBench::new,
                "JMH microbenchmarks (TextPipelineBenchmark: encode of one review per tokenizer)"));
    }

    @Override
    public int run(final List<String> args, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
            out.println("usage: ./sentiment bench <name> [options]   (./sentiment bench <name> --help)");
            BENCHES.forEach((name, b) -> out.printf("  %-11s %s%n", name, b.summary()));
            return args.isEmpty() ? USAGE : 0;
        }
        final Bench bench = BENCHES.get(args.get(0));
        if (bench == null) {
            throw new UsageException("unknown benchmark '" + args.get(0) + "' (one of " + BENCHES.keySet() + ")");
        }
        return bench.create().get().run(args.subList(1, args.size()), in, out, err);
    }
}
