package io.sentimentstreams.cli.run;

import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./sentiment up}: the demo's system without the demo stream; keeps running, prints where
 * producers and Prometheus can reach it, shows labeled results as they arrive, and stops on Ctrl-C.
 */
public final class UpCommand implements Command {

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("models"), Set.of("quiet", "help"));
        if (args.has("help")) {
            out.println("usage: ./sentiment up [--models DIR,DIR] [--quiet]\n"
                    + "  runs broker + services until Ctrl-C; --quiet does not print labeled results");
            return 0;
        }
        final Path home = Launcher.home();
        final Path runDir = home.resolve(".sentiment/runs/up");
        final Stack stack = new Stack(home, runDir, home.resolve(".sentiment/logs"), err);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("Stopping services and broker ...");
            stack.close();
            System.err.println("Stopped; broker data kept in " + runDir + ".");
            stopped.countDown();
        }, "up-stop"));
        stack.start(DemoCommand.modelDirs(home, args.get("models", null)), Duration.ofSeconds(180));
        final String ingest = stack.service("ingest-service").baseUrl();
        out.println();
        out.println("Sentiment Streams is up. Ctrl-C stops it.");
        out.println("  Kafka bootstrap   : " + stack.bootstrapServers());
        out.println("  ingest (HTTP)      : " + ingest + "/reviews   (OpenAPI: " + ingest + "/q/openapi)");
        for (final String svc : Stack.SERVICES) {
            out.printf("  %-18s: %s/q/metrics  %s/q/health%n", svc, stack.service(svc).baseUrl(),
                    stack.service(svc).baseUrl());
        }
        out.println("  logs              : " + stack.logDir());
        out.println();
        out.println("Try:");
        out.println("  curl -s -X POST '" + ingest + "/reviews?wait=PT5S' -H 'Content-Type: application/json' \\");
        out.println("       -d '{\"id\": \"try-1\", \"text\": \"What a wonderful, moving film.\"}'");
        out.println("  curl -s " + ingest + "/reviews/try-1");
        out.println();
        out.flush();
        final ResultCollector collector = args.has("quiet") ? null : new ResultCollector(stack.bootstrapServers(),
                r -> {
                    out.println(DemoCommand.formatLine(r));
                    out.flush();
                },
                d -> {
                    out.printf("  DLQ      %-10s %-13s %s%n", d.stage(), d.reason(),
                            DemoCommand.abbreviate(d.message(), 80));
                    out.flush();
                });
        stopped.await();
        if (collector != null) {
            collector.close();
        }
        return 0;
    }
}
