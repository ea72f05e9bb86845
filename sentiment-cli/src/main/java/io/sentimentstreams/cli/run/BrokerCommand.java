package io.sentimentstreams.cli.run;

import io.sentimentstreams.broker.BrokerProcess;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.topics.TopicAdmin;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./sentiment broker}: runs a real Kafka broker (KRaft, child JVM) until Ctrl-C, creating the
 * catalogue topics, and prints its bootstrap address on stdout once clients can connect.
 */
public final class BrokerCommand implements Command {

    static final String USAGE_TEXT = """
            usage: ./sentiment broker [--port N] [--data-dir DIR] [--heap SIZE] [--no-topics]
              --port N        listener port (default 9092; a free port when taken; 0 = any free port)
              --data-dir DIR  broker data and logs (default ./.sentiment/kafka); kept between runs
              --heap SIZE     broker JVM heap (default 768m)
              --no-topics     do not create the catalogue topics""";

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("port", "data-dir", "heap"), Set.of("no-topics", "help"));
        if (args.has("help")) {
            out.println(USAGE_TEXT);
            return 0;
        }
        final Path dataDir = Path.of(args.get("data-dir", Launcher.home().resolve(".sentiment/kafka").toString()));
        final BrokerProcess.Options options = new BrokerProcess.Options(dataDir,
                args.getInt("port", BrokerProcess.DEFAULT_PORT), args.get("heap", "768m"), Duration.ofSeconds(90));
        err.println("Starting Kafka broker (KRaft, child JVM), data in " + dataDir.toAbsolutePath() + " ...");
        final long started = System.nanoTime();
        final BrokerProcess broker = BrokerProcess.start(options);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("Stopping Kafka broker ...");
            broker.close();
            System.err.println("Kafka broker stopped; data kept in " + dataDir.toAbsolutePath());
            stopped.countDown();
        }, "broker-stop"));
        if (!args.has("no-topics")) {
            final List<String> created = TopicAdmin.createAll(broker.bootstrapServers(), (short) 1);
            err.println(created.isEmpty() ? "Topics already exist." : "Created topics: " + String.join(", ", created));
        }
        err.printf("Kafka broker ready in %.1f s (log: %s). Ctrl-C stops it.%n",
                (System.nanoTime() - started) / 1e9, broker.logFile());
        out.println(broker.bootstrapServers());
        out.flush();
        final int code = broker.waitFor();
        if (stopped.getCount() > 0) {
            err.println("Kafka broker exited unexpectedly with code " + code + "; see " + broker.logFile());
            return 1;
        }
        return 0;
    }
}
