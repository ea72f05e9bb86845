package io.sentimentstreams.cli.run;

import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.cli.UsageException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./sentiment up}: the demo's system without the demo stream; keeps running, prints where
 * producers, the live page and Prometheus can reach it, shows labeled results as they arrive, and stops on Ctrl-C.
 */
public final class UpCommand implements Command {

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("models", "replicas", "brokers", "otlp"), Set.of("quiet", "secure", "help"));
        if (args.has("help")) {
            out.println("usage: ./sentiment up [--models DIR,DIR] [--brokers N] [--replicas SERVICE=N,...] [--quiet]"
                    + " [--secure] [--otlp URL]\n"
                    + "  runs broker + services until Ctrl-C and prints their addresses, among them the live page\n"
                    + "  (ingest-service's /: submit a review, watch labels arrive); --quiet does not print labeled results\n"
                    + "  --brokers N  a cluster of N KRaft nodes (replication factor min(N,3), min.insync.replicas 2"
                    + " from 3 nodes)\n"
                    + "  --replicas preprocess=2,inference=2 (ingest too) runs N instances of a service, each with\n"
                    + "  its own identity (HOSTNAME), HTTP port, state directory and log file\n"
                    + "  --secure: the broker with an mTLS listener, the StandardAuthorizer and exactly the ACLs of\n"
                    + "  deploy/k8s/base/03x-KafkaUser-*.yaml; each service connects as its own KafkaUser\n"
                    + "  (certificate subject CN=<user>, principal User:CN=<user>); certificates, keys and\n"
                    + "  client.properties / kcat.conf (super user admin) are written to .sentiment/secure/\n"
                    + "  --otlp URL: traces on in every service, exported as OTLP over HTTP/protobuf to URL (a collector,\n"
                    + "  Jaeger or Tempo: http://localhost:4318); off without it (docs/operations.md, \"Tracing\")");
            return 0;
        }
        final Map<String, Integer> replicas = replicas(args.get("replicas", ""));
        final int brokers = args.getInt("brokers", 1);
        if (brokers < 1) {
            throw new UsageException("--brokers must be at least 1, not " + brokers);
        }
        final Path home = Launcher.home();
        final Path runDir = home.resolve(".sentiment/runs/up");
        final Stack stack = new Stack(home, runDir, home.resolve(".sentiment/logs"), err).withBrokers(brokers);
        final Path secureDir = home.resolve(".sentiment/secure");
        if (args.has("secure")) {
            stack.secured(secureDir);
        }
        final String otlp = args.get("otlp", null);
        if (otlp != null) {
            if (!otlp.startsWith("http://") && !otlp.startsWith("https://")) {
                throw new UsageException("--otlp takes the OTLP/HTTP base URL, such as http://localhost:4318, not '"
                        + otlp + "'");
            }
            stack.withOtlp(otlp);
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("Stopping services and broker ...");
            stack.close();
            System.err.println("Stopped; broker data kept in " + runDir + ".");
            stopped.countDown();
        }, "up-stop"));
        stack.start(DemoCommand.modelDirs(home, args.get("models", null)), replicas, Duration.ofSeconds(180));
        final String ingest = stack.service("ingest-service").baseUrl();
        out.println();
        out.println("Sentiment Streams is up. Ctrl-C stops it.");
        out.println("  Kafka bootstrap   : " + stack.bootstrapServers());
        if (brokers > 1) {
            out.println("  active controller : node " + stack.cluster().activeController() + " of " + brokers
                    + " (KRaft quorum of all " + brokers + ")");
        }
        out.println("  live page         : " + ingest + "/   (submit a review, watch labels arrive)");
        out.println("  ingest (HTTP)     : " + ingest + "/reviews   (OpenAPI: " + ingest + "/q/openapi)");
        out.println("  results (SSE)     : " + ingest + "/reviews/stream");
        for (final String svc : Stack.SERVICES) {
            for (final ServiceProcess instance : stack.instances(svc)) {
                out.printf("  %-18s: %s/q/metrics  %s/q/health%n", instance.instance(), instance.baseUrl(),
                        instance.baseUrl());
            }
        }
        out.println("  logs              : " + stack.logDir());
        if (otlp != null) {
            out.println("  traces (OTLP/HTTP): " + otlp + "   (traceparent in every record's headers)");
        }
        if (stack.security() != null) {
            out.println("  security          : mTLS, ACLs of deploy/k8s/base/03x-KafkaUser-*.yaml; each service as its"
                    + " own user");
            out.println("  client settings   : " + secureDir.resolve("client.properties") + " (super user admin; "
                    + "<user>.properties per KafkaUser)");
            out.println("  read results      : kcat -F " + secureDir.resolve("kcat.conf") + " -C -t "
                    + Topics.LABELED.name() + " -o beginning -e");
        }
        out.println();
        out.println("Try:");
        out.println("  curl -s -X POST '" + ingest + "/reviews?wait=PT5S' -H 'Content-Type: application/json' \\");
        out.println("       -d '{\"id\": \"try-1\", \"text\": \"What a wonderful, moving film.\"}'");
        out.println("  curl -s " + ingest + "/reviews/try-1");
        out.println("  curl -N '" + ingest + "/reviews/stream?lang=en'");
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

    /** {@code preprocess=2,inference=3}: instances per service ({@code -service} may be left out), at least 1. */
    static Map<String, Integer> replicas(final String spec) {
        final Map<String, Integer> out = new LinkedHashMap<>();
        for (final String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            final int eq = part.indexOf('=');
            final String name = eq < 0 ? part.trim() : part.substring(0, eq).trim();
            final String module = name.endsWith("-service") ? name : name + "-service";
            if (eq < 0 || !Stack.SERVICES.contains(module)) {
                throw new UsageException("--replicas takes SERVICE=N with SERVICE one of ingest, preprocess, "
                        + "inference; got '" + part.trim() + "'");
            }
            final int n;
            try {
                n = Integer.parseInt(part.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--replicas " + name + " needs a whole number of instances; got '"
                        + part.substring(eq + 1).trim() + "'");
            }
            if (n < 1 || n > 8) {
                throw new UsageException("--replicas " + name + "=" + n + ": between 1 and 8 instances");
            }
            out.put(module, n);
        }
        return out;
    }
}
