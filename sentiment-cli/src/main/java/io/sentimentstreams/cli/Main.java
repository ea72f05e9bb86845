package io.sentimentstreams.cli;

import io.sentimentstreams.kafka.KafkaClientSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of {@code ./sentiment}: maps a subcommand name to its {@link Command} class and runs it,
 * turning any failure into a one-line reason on stderr and a non-zero exit code.
 */
public final class Main {

    private record Entry(String className, String summary) {
    }

    private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();
    private static final String KAFKA_CONFIG = "--kafka-config";

    static {
        register("demo", "io.sentimentstreams.cli.run.DemoCommand",
                "run broker + all services, stream sample reviews, print labels and a summary, stop");
        register("up", "io.sentimentstreams.cli.run.UpCommand",
                "like demo, but keep running and serve HTTP producers and the live page until Ctrl-C"
                        + " (--secure, --replicas, --brokers 3: a 3-node cluster)");
        register("broker", "io.sentimentstreams.cli.run.BrokerCommand",
                "start a real Kafka broker (KRaft, child JVM; --brokers N: a cluster) and print the bootstrap list");
        register("topics", "io.sentimentstreams.cli.run.TopicsCommand",
                "create the catalogue's topics on a broker (--bootstrap HOST:PORT)");
        register("train", "io.sentimentstreams.cli.model.TrainCommand",
                "train a model on a labeled corpus and write a versioned bundle");
        register("vectors", "io.sentimentstreams.cli.model.VectorsCommand",
                "fit word2vec on a corpus's training rows; a GloVe-format file for train --embeddings");
        register("evaluate", "io.sentimentstreams.cli.model.EvaluateCommand",
                "evaluate a bundle on a labeled corpus; prints one JSON line of metrics");
        register("publish", "io.sentimentstreams.cli.model.PublishCommand",
                "publish a bundle to the sentiment.models topic");
        register("promote", "io.sentimentstreams.cli.model.RolloutCommand",
                "make a language's shadow or canary candidate live (promote --lang L --bootstrap HOST:PORT)");
        register("rollback", "io.sentimentstreams.cli.model.RolloutCommand$Rollback",
                "make a language's previous live version live again (rollback --lang L --bootstrap HOST:PORT)");
        register("models", "io.sentimentstreams.cli.model.ModelsCommand",
                "list what the sentiment.models topic holds, or retire a version (models list|retire NAME@V --bootstrap HOST:PORT)");
        register("dlq", "io.sentimentstreams.cli.dlq.DlqCommand",
                "list dead letters (dlq list) and send the originals of chosen ones back, each once (dlq replay)");
        register("import", "io.sentimentstreams.cli.model.ImportCommand",
                "build a bundle from an ONNX graph trained elsewhere and its Keras tokenizer.json");
        register("canary", "io.sentimentstreams.cli.model.CanaryCommand",
                "write a bundle's canary.tsv (DL4J's probabilities) so services can skip loading DL4J");
        register("score", "io.sentimentstreams.cli.model.ScoreCommand",
                "score texts offline with a bundle; one JSON line per review");
        register("tokenize", "io.sentimentstreams.cli.text.TokenizeCommand",
                "tokenize stdin lines (treebank|wordpunct|keras|okt|nori|nori-punct|sentences); JSON arrays out");
        register("encode", "io.sentimentstreams.cli.text.EncodeCommand",
                "fit a Keras-semantics tokenizer on a file, encode stdin lines to JSON int arrays");
        // In sentiment-bench, which depends on this module: found by name, absent from a CLI-only class path.
        register("bench", "io.sentimentstreams.bench.BenchCommand",
                "benchmarks behind BENCHMARKS.md (inference, preprocess, e2e, faults, ...)");
    }

    private Main() {
    }

    private static void register(final String name, final String className, final String summary) {
        COMMANDS.put(name, new Entry(className, summary));
    }

    public static void main(final String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs one command line and returns the exit code (separate from {@link #main} for tests). */
    public static int run(final String[] argv, final PrintStream out, final PrintStream err) {
        if (argv.length == 0 || "help".equals(argv[0]) || "--help".equals(argv[0]) || "-h".equals(argv[0])) {
            printHelp(out);
            return 0;
        }
        final Entry entry = COMMANDS.get(argv[0]);
        if (entry == null) {
            err.println("sentiment: unknown command '" + argv[0] + "' (try: sentiment help)");
            return Command.USAGE;
        }
        final Command command;
        try {
            command = (Command) Class.forName(entry.className()).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            err.println("sentiment: command '" + argv[0] + "' is not available in this build");
            return 1;
        } catch (ReflectiveOperationException e) {
            err.println("sentiment: cannot start command '" + argv[0] + "': " + e);
            return 1;
        }
        final List<String> args;
        try {
            args = installKafkaConfig(List.of(Arrays.copyOfRange(argv, 1, argv.length)));
        } catch (UsageException | IOException e) {
            err.println("sentiment " + argv[0] + ": " + e.getMessage());
            return Command.USAGE;
        }
        try {
            return command.run(args, System.in, out, err);
        } catch (UsageException e) {
            err.println("sentiment " + argv[0] + ": " + e.getMessage());
            return Command.USAGE;
        } catch (Exception e) {
            err.println("sentiment " + argv[0] + ": " + oneLine(e));
            if (System.getenv("SENTIMENT_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /**
     * Takes {@code --kafka-config FILE} (anywhere after the command) out of {@code args} and makes that client
     * properties file, over the {@code KAFKA_*} environment variables, what every Kafka client of the command uses.
     */
    static List<String> installKafkaConfig(final List<String> args) throws UsageException, IOException {
        final List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            final String a = args.get(i);
            String file = null;
            if (a.equals(KAFKA_CONFIG)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(KAFKA_CONFIG + " needs a file (Java client properties)");
                }
                file = args.get(++i);
            } else if (a.startsWith(KAFKA_CONFIG + "=")) {
                file = a.substring(KAFKA_CONFIG.length() + 1);
            }
            if (file == null) {
                rest.add(a);
                continue;
            }
            final Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw new UsageException(KAFKA_CONFIG + " " + file + ": no such file");
            }
            KafkaClientSettings.install(KafkaClientSettings.fromFile(path));
        }
        return rest;
    }

    private static String oneLine(final Throwable e) {
        final String message = e.getMessage();
        final String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
        return text.replace('\n', ' ');
    }

    private static void printHelp(final PrintStream out) {
        out.println("usage: ./sentiment <command> [options]   (./sentiment <command> --help for its options)");
        out.println();
        for (final Map.Entry<String, Entry> e : COMMANDS.entrySet()) {
            out.printf("  %-9s %s%n", e.getKey(), e.getValue().summary());
        }
        out.println();
        out.println("Kafka connection and security for every command's clients: KAFKA_* environment variables");
        out.println("(KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_KEYSTORE_LOCATION, KAFKA_SASL_JAAS_CONFIG, ...), then");
        out.println("--kafka-config FILE (Java client properties, e.g. .sentiment/secure/client.properties).");
    }
}
