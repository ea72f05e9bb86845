package io.sentimentstreams.cli.run;

import io.sentimentstreams.broker.BrokerCluster;
import io.sentimentstreams.broker.BrokerProcess;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.topics.TopicAdmin;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./sentiment broker}: runs a real Kafka broker (KRaft, child JVM), or a cluster of them, until Ctrl-C,
 * creating the catalogue topics, and prints the bootstrap list on stdout once clients can connect.
 */
public final class BrokerCommand implements Command {

    static final String USAGE_TEXT = """
            usage: ./sentiment broker [--brokers N] [--port N] [--data-dir DIR] [--heap SIZE] [--no-topics]
              --brokers N     KRaft nodes (default 1); from 3 on, topics get replication factor 3 and
                              min.insync.replicas 2 (the internal topics too)
              --port N        listener port of the first node, the next ones follow (default 9092; a free port
                              when taken; 0 = any free port)
              --data-dir DIR  broker data and logs (default ./.sentiment/kafka, ./.sentiment/kafka-N for N
                              nodes); kept between runs
              --heap SIZE     heap per broker JVM (default 768m, 512m per node of a cluster)
              --no-topics     do not create the catalogue topics""";

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("brokers", "port", "data-dir", "heap"), Set.of("no-topics", "help"));
        if (args.has("help")) {
            out.println(USAGE_TEXT);
            return 0;
        }
        final int brokers = args.getInt("brokers", 1);
        if (brokers < 1) {
            throw new io.sentimentstreams.cli.UsageException("--brokers must be at least 1, not " + brokers);
        }
        final Path dataDir = Path.of(args.get("data-dir", Launcher.home()
                .resolve(brokers == 1 ? ".sentiment/kafka" : ".sentiment/kafka-" + brokers).toString()));
        final BrokerCluster.Options defaults = BrokerCluster.Options.defaults(dataDir, brokers);
        final BrokerCluster.Options options = defaults.withPort(args.getInt("port", BrokerProcess.DEFAULT_PORT))
                .withHeap(args.get("heap", defaults.heap()));
        err.println("Starting " + (brokers == 1 ? "Kafka broker (KRaft, child JVM)"
                : "Kafka cluster (" + brokers + " KRaft nodes, child JVMs)") + ", data in " + dataDir.toAbsolutePath()
                + " ...");
        final long started = System.nanoTime();
        final BrokerCluster cluster = BrokerCluster.start(options);
        final CountDownLatch stopped = new CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            System.err.println("Stopping Kafka ...");
            cluster.close();
            System.err.println("Kafka stopped; data kept in " + dataDir.toAbsolutePath());
            stopped.countDown();
        }, "broker-stop"));
        if (!args.has("no-topics")) {
            final List<String> created = TopicAdmin.createAll(cluster.bootstrapServers());
            err.println(created.isEmpty() ? "Topics already exist." : "Created topics: " + String.join(", ", created));
        }
        err.printf("Kafka ready in %.1f s (log: %s)%s. Ctrl-C stops it.%n", (System.nanoTime() - started) / 1e9,
                brokers == 1 ? cluster.node(1).logFile() : dataDir.toAbsolutePath().resolve("node-*/logs"),
                brokers == 1 ? "" : "; active controller node " + cluster.activeController());
        out.println(cluster.bootstrapServers());
        out.flush();
        // The command ends when any node ends: a node that dies on its own is worth the operator's attention.
        while (!stopping.get()) {
            for (final BrokerProcess node : cluster.nodes()) {
                if (!node.isAlive() && !stopping.get()) {
                    err.println("Kafka broker node " + node.nodeId() + " exited unexpectedly with code "
                            + node.waitFor() + "; see " + node.logFile());
                    return 1;
                }
            }
            stopped.await(500, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        stopped.await();
        return 0;
    }
}
