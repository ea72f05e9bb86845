package io.sentimentstreams.cli.run;

import io.sentimentstreams.broker.BrokerProcess;
import io.sentimentstreams.topics.TopicAdmin;
import io.sentimentstreams.topics.Topics;
import io.sentimentstreams.trainer.Publisher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole system on one host: a Kafka broker (child JVM), the catalogue topics, the shipped model
 * bundles published to {@code sentiment.models}, and the three services as separate JVMs, started in
 * dependency order with progress on stderr and stopped in reverse order.
 */
public final class Stack implements AutoCloseable {

    public static final List<String> SERVICES = List.of("ingest-service", "preprocess-service", "inference-service");

    private final Path home;
    private final Path runDir;
    private final Path logDir;
    private final PrintStream progress;
    private BrokerProcess broker;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final List<String> publishedModels = new ArrayList<>();

    /**
     * @param runDir  broker data and per-service state (throw-away)
     * @param logDir  one log file per process
     */
    public Stack(final Path home, final Path runDir, final Path logDir, final PrintStream progress) {
        this.home = home;
        this.runDir = runDir;
        this.logDir = logDir;
        this.progress = progress;
    }

    /** Starts everything; on failure stops what was started and rethrows. */
    public Stack start(final List<Path> modelDirs, final Duration serviceTimeout) throws Exception {
        try {
            for (final String module : SERVICES) {
                ServiceProcess.runJar(home, module);
            }
            step("Kafka broker (KRaft, child JVM)", () -> {
                broker = BrokerProcess.start(BrokerProcess.Options.defaults(runDir.resolve("kafka")).withPort(0));
                return broker.bootstrapServers();
            });
            step("topics", () -> {
                TopicAdmin.createAll(broker.bootstrapServers(), (short) 1);
                return Topics.ALL.size() + " topics";
            });
            step("models", () -> {
                for (final Path dir : modelDirs) {
                    publishedModels.add(Publisher.publish(dir, broker.bootstrapServers(), null, false).key());
                }
                return publishedModels.isEmpty() ? "none found" : String.join(", ", publishedModels);
            });
            for (final String module : SERVICES) {
                step(module, () -> {
                    final ServiceProcess svc = startService(module);
                    services.put(module, svc);
                    svc.awaitReady(serviceTimeout);
                    return svc.baseUrl() + " (pid " + svc.pid() + ")";
                });
            }
            return this;
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Starts one service JVM on a free port. */
    public ServiceProcess startService(final String module) throws IOException {
        return startService(module, BrokerProcess.freePort());
    }

    /**
     * Starts another instance of a service beside the running one (its own HTTP port, work directory, log directory
     * {@code <logs>/<instance>} and Kafka instance id), waiting until it is ready; it is {@code service(instance)}.
     */
    public ServiceProcess startInstance(final String module, final String instance, final Duration timeout)
            throws IOException, InterruptedException {
        final ServiceProcess svc = startService(module, instance, BrokerProcess.freePort());
        svc.awaitReady(timeout);
        return svc;
    }

    /**
     * Kills ({@code kill -9}) or stops one service and starts it again on the same HTTP port, waiting
     * until it is ready; for fault tests.
     */
    public ServiceProcess restartService(final String module, final boolean crash, final Duration timeout)
            throws IOException, InterruptedException {
        final ServiceProcess old = services.get(module);
        final int port = Integer.parseInt(old.baseUrl().substring(old.baseUrl().lastIndexOf(':') + 1));
        if (crash) {
            old.kill();
        } else {
            old.close();
        }
        final ServiceProcess svc = startService(module, port);
        svc.awaitReady(timeout);
        return svc;
    }

    private ServiceProcess startService(final String module, final int httpPort) throws IOException {
        return startService(module, module, httpPort);
    }

    private ServiceProcess startService(final String module, final String instance, final int httpPort)
            throws IOException {
        final Path workDir = runDir.resolve(instance);
        Files.createDirectories(workDir);
        final Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("QUARKUS_KAFKA_STREAMS_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("KAFKA_STREAMS_STATE_DIR", workDir.resolve("streams-state").toString());
        env.put("SENTIMENT_WORK_DIR", workDir.toString());
        env.put("SENTIMENT_MODEL_CACHE_DIR", workDir.resolve("model-cache").toString());
        env.put("OMP_NUM_THREADS", "1");
        if (module.equals("ingest-service")) {
            // the address the other ingest instances forward result lookups to (the services listen on 127.0.0.1)
            env.put("SENTIMENT_INGEST_RESULTS_ADVERTISED_HOST", "127.0.0.1");
        }
        if (!instance.equals(module)) {
            env.put("SENTIMENT_INGEST_KAFKA_INSTANCE_ID", instance);
        }
        final List<String> jvm = new ArrayList<>(List.of("-Xms64m", "-Xmx" + heap(module), "-XX:+UseG1GC",
                "-Djava.io.tmpdir=" + workDir, "-Dorg.bytedeco.javacpp.nopointergc=true"));
        if (module.equals("inference-service")) {
            jvm.add("--add-modules");
            jvm.add("jdk.incubator.vector");
        }
        final ServiceProcess svc = ServiceProcess.start(home, module, httpPort, env, jvm,
                instance.equals(module) ? logDir : logDir.resolve(instance));
        services.put(instance, svc);
        return svc;
    }

    private static String heap(final String module) {
        // The fast engine serves from model.onnx without DL4J (docs/engine.md): the two shipped models fold
        // into about 50 MB of tables. G1 grows a busy service's heap to its maximum, so the maximum is what
        // the resident size follows (384m put inference at 530 MB under load; the goal is 512 MB).
        return module.equals("inference-service") ? "256m" : "384m";
    }

    /**
     * Stops the broker cleanly (or kills it) and starts it again on the same port with the same data,
     * as an operator's restart or a crash would; the services' clients reconnect by themselves.
     */
    public void restartBroker(final boolean crash) throws IOException, InterruptedException {
        final int port = broker.port();
        if (crash) {
            broker.kill();
        } else {
            broker.close();
        }
        broker = BrokerProcess.start(BrokerProcess.Options.defaults(runDir.resolve("kafka")).withPort(port));
        if (broker.port() != port) {
            throw new IOException("broker came back on port " + broker.port() + " instead of " + port);
        }
    }

    /** The shipped default bundles ({@code models/*} with a {@code bundle.json}). */
    public static List<Path> shippedModels(final Path home) throws IOException {
        final Path models = home.resolve("models");
        if (!Files.isDirectory(models)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(models)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("bundle.json"))).sorted().toList();
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public BrokerProcess broker() {
        return broker;
    }

    public ServiceProcess service(final String module) {
        return services.get(module);
    }

    public List<String> publishedModels() {
        return List.copyOf(publishedModels);
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        final List<String> names = new ArrayList<>(services.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            services.get(names.get(i)).close();
        }
        services.clear();
        if (broker != null) {
            broker.close();
        }
    }

    @FunctionalInterface
    private interface Step {
        String run() throws Exception;
    }

    private void step(final String what, final Step step) throws Exception {
        progress.print("  starting " + what + " ... ");
        progress.flush();
        final long t0 = System.nanoTime();
        final String result = step.run();
        progress.printf("ready in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, result);
    }
}
