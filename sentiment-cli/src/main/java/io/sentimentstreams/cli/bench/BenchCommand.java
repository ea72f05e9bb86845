package io.sentimentstreams.cli.bench;

import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ./sentiment bench NAME ...}: dispatches to the benchmark behind one section of BENCHMARKS.md. */
public final class BenchCommand implements Command {

    private static final Map<String, String[]> BENCHES = new LinkedHashMap<>();

    static {
        BENCHES.put("text", new String[] {"io.sentimentstreams.cli.bench.TextBench",
            "text pipeline reviews/s per tokenizer on one core (IMDB, NSMC)"});
        BENCHES.put("inference", new String[] {"io.sentimentstreams.cli.bench.InferenceBench",
            "fast vs DL4J (vs ONNX Runtime) engines, batch sizes, fraction of SGEMM peak"});
        BENCHES.put("memory", new String[] {"io.sentimentstreams.cli.bench.MemoryBench",
            "resident memory of a JVM serving the default English model (before/after load and scoring)"});
        BENCHES.put("preprocess", new String[] {"io.sentimentstreams.cli.bench.PreprocessBench",
            "preprocess-service on the real broker vs the text pipeline alone"});
        BENCHES.put("e2e", new String[] {"io.sentimentstreams.cli.bench.EndToEndBench",
            "whole system throughput and latency vs Kafka's own perf tools"});
        BENCHES.put("fuzz", new String[] {"io.sentimentstreams.cli.bench.FuzzBench",
            "10,000 malformed inputs over HTTP and reviews.inbound mixed with valid reviews"});
        BENCHES.put("faults", new String[] {"io.sentimentstreams.cli.bench.FaultsBench",
            "kill -9 / restart / bad input scenarios: lost, duplicated, mismatched"});
    }

    @Override
    public int run(final List<String> args, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
            out.println("usage: ./sentiment bench <name> [options]   (./sentiment bench <name> --help)");
            BENCHES.forEach((name, e) -> out.printf("  %-11s %s%n", name, e[1]));
            return args.isEmpty() ? USAGE : 0;
        }
        final String[] entry = BENCHES.get(args.get(0));
        if (entry == null) {
            throw new UsageException("unknown benchmark '" + args.get(0) + "' (one of " + BENCHES.keySet() + ")");
        }
        final Command bench;
        try {
            bench = (Command) Class.forName(entry[0]).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            err.println("sentiment bench: '" + args.get(0) + "' is not available in this build");
            return 1;
        }
        return bench.run(args.subList(1, args.size()), in, out, err);
    }
}
